/// What a request on a locked message does: DELETE completes, PUT abandons (unlocks), POST renews.
enum SettleAction: Sendable {
    case complete
    case abandon
    case renewLock
}
