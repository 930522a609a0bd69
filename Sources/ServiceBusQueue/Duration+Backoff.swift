extension Duration {
    /// This first delay doubled for each failure in a row after the first, at most `maximum`, and
    /// at least what the broker asked for (`Retry-After`), if it asked.
    func doubled(afterFailures failures: Int, atMost maximum: Duration, brokerAsked: Duration?) -> Duration {
        let doubled = self * (1 << Swift.min(Swift.max(0, failures - 1), 20))
        return Swift.max(Swift.min(doubled, maximum), brokerAsked ?? .zero)
    }
}
