/// A claim of one job by id, as a broker worker makes for each delivery, waiting in a batch.
struct ClaimByID: Sendable {
    var id: String
    var attempt: Int?
    var owner: String
    var leaseDuration: Duration
}
