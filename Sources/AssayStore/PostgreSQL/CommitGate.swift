import Synchronization

/// Decides, once, whether a transaction commits or is abandoned at its deadline: whichever of
/// ``open()`` and ``abandon()`` comes first wins.
final class CommitGate: Sendable {
    private enum Decision {
        case undecided
        case committing
        case abandoned
    }

    private let decision = Mutex(Decision.undecided)

    /// `true` when the transaction may commit: it was not abandoned first.
    func open() -> Bool {
        decision.withLock { decision in
            if decision == .undecided { decision = .committing }
            return decision == .committing
        }
    }

    /// Marks the transaction abandoned, unless it is committing already.
    func abandon() {
        decision.withLock { decision in
            if decision == .undecided { decision = .abandoned }
        }
    }
}
