/// A request the emulator refuses, with the status and the detail of its `<Error>` body.
struct EmulatorRequestError: Error {
    let status: Int
    let detail: String
    var headers: [(String, String)] = []
}
