/// A signed-in dashboard session: its random id, and the CSRF token its POST forms carry.
struct DashboardSession: Sendable, Equatable {
    /// The random id the cookie carries.
    let id: String
    /// The token each of the session's POST forms sends in its hidden `csrf` field.
    let csrfToken: String
}
