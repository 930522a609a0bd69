/// What a job's history says of an attempt whose worker stopped renewing its lease.
public enum JobLeaseExpiry {
    public static let message = "lease expired: the worker stopped renewing it (crashed or killed)"
}
