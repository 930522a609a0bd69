import Foundation

/// A listing's place among its pages: "26–50 of 60", with the links to the pages either side that
/// keep the listing's filters.
struct DashboardPaging {
    let summary: String
    let previous: String?
    let next: String?

    init(path: String, query: [(String, String)], offset: Int, limit: Int, shown: Int, total: Int) {
        summary = shown == 0 ? "0 of \(total)" : "\(offset + 1)–\(offset + shown) of \(total)"
        func link(_ offset: Int) -> String {
            var components = URLComponents()
            components.path = path
            components.queryItems = (query + [("offset", String(offset))]).map {
                URLQueryItem(name: $0.0, value: $0.1)
            }
            return components.string ?? path
        }
        previous = offset > 0 ? link(max(offset - limit, 0)) : nil
        next = offset + shown < total ? link(offset + limit) : nil
    }
}
