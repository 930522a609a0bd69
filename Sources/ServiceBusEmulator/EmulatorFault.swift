/// A failure the emulator injects into every data-plane and management request while it lasts.
public enum EmulatorFault: Sendable, Equatable {
    /// Answer with `status` (503 or 429 send `Retry-After: retryAfterSeconds`).
    case failing(status: Int, retryAfterSeconds: Int)
    /// Answer nothing until the fault ends (the client times out).
    case hanging
    /// Close the connection without an answer.
    case droppingConnections
}
