/// A process or server of an end-to-end test did not do what the test waited for.
struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
