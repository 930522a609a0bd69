import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on the jobs channel with a connection of its own and wakes this process's workers: a
/// service, run in the service group beside the workers it wakes.
///
/// When the connection drops it reconnects after a pause, and wakes every queue once it is back,
/// since notifications sent while it was away are lost (the workers' slow poll covers that gap too).
/// It ends on graceful shutdown or when its task is cancelled.
public struct PostgresNotificationListener: Service {
    let url: PostgresDatabaseURL
    let notifier: JobNotifier
    let logger: Logger

    public func run() async {
        await cancelWhenGracefulShutdown { await listen() }
    }

    private func listen() async {
        var connectionID = 0
        while !Task.isCancelled {
            connectionID += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try url.connectionConfiguration(), id: connectionID, logger: logger)
                notifier.notifyAll()
                do {
                    try await connection.listen(on: PostgresJobDriver.channel) { notifications in
                        for try await notification in notifications {
                            notifier.notify(queue: notification.payload)
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("job notifications interrupted", metadata: ["error": .string("\(error)")])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
