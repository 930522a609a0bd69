/// What a handler that returned did about its job's completion.
public enum JobHandlerOutcome: Sendable, Equatable {
    /// The work is done: the worker marks the job completed.
    case finished
    /// The handler's own transaction stored its result and marked the job completed, fenced by
    /// the attempt's lease as ``JobQueueDriver/complete(_:)`` is: the worker records nothing more.
    /// A job whose result and completion commit together costs one transaction less, and no
    /// crash can fall between the two.
    case completedWithResult
}
