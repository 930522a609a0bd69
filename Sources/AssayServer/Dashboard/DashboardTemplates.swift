import Foundation
import Mustache

/// The dashboard's templates and static assets: `Resources/dashboard`, shipped as the module's
/// resource and read once, on first use.
///
/// Every `.mustache` file is a template named after the file; `dashboard.css` and `dashboard.js`
/// are served as they are.
enum DashboardTemplates {
    /// The templates, each registered under its file name without the extension.
    static let library: MustacheLibrary = {
        MustacheContentTypes.register(HTMLEscapedContentType(), named: HTMLEscapedContentType.name)
        var library = MustacheLibrary()
        for name in [
            "report", "layout-top", "layout-bottom", "login", "overview", "queues", "paging", "dead-letters",
            "submissions", "message",
        ] {
            do {
                try library.register(String(decoding: resource(name, "mustache"), as: UTF8.self), named: name)
            } catch {
                preconditionFailure("the dashboard template \(name).mustache does not parse: \(error)")
            }
        }
        return library
    }()

    /// The dashboard's stylesheet.
    static let stylesheet = resource("dashboard", "css")

    /// The script that refreshes the queue status.
    static let script = resource("dashboard", "js")

    /// Renders `object` with the template `name`; the names are this type's own, so a missing one
    /// is a programming error.
    static func render(_ object: Any, template name: String) -> String {
        guard let text = library.render(object, withTemplate: name) else {
            preconditionFailure("no dashboard template named \(name)")
        }
        return text
    }

    private static func resource(_ name: String, _ type: String) -> Data {
        guard
            let url = Bundle.module.url(forResource: name, withExtension: type, subdirectory: "dashboard"),
            let data = try? Data(contentsOf: url)
        else {
            preconditionFailure("dashboard/\(name).\(type) is missing from AssayServer's resource bundle")
        }
        return data
    }
}
