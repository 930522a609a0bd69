/// What signs Service Bus requests: it returns the `Authorization` header value for a resource.
///
/// The credential (a shared access key now, a Microsoft Entra identity later) stays inside the
/// provider; nothing else in the client sees it. A provider renews its tokens before they expire.
public protocol ServiceBusTokenProvider: Sendable {
    /// The `Authorization` header value valid for `resource` (the entity's URL) for a while yet.
    func authorization(for resource: String) async throws(ServiceBusError) -> String
}
