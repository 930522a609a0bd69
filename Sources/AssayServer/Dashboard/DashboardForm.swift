/// The fields the dashboard's POST forms send, as `application/x-www-form-urlencoded`.
struct DashboardForm: Decodable {
    /// The admin token, on the sign-in form.
    var token: String?
    /// The session's CSRF token, on every other form.
    var csrf: String?
}
