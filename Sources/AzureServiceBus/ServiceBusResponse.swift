import Foundation
import NIOHTTP1

/// A broker's answer with a status the caller expected.
struct ServiceBusResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: Data
}
