import Foundation

/// Renders a report as one self-contained, printable HTML5 page.
///
/// The page carries its own CSS (with print rules) and loads nothing. Every string that comes from
/// users (names, titles, prompts, feedback, ids) is HTML-escaped.
///
/// ```swift
/// let html = ReportHTMLRenderer.render(report)
/// ```
public enum ReportHTMLRenderer {
    /// Returns the HTML page of the report.
    public static func render(_ report: Report) -> String {
        let title = "Report: \(report.candidate.name.trimmed), \(report.assessmentTitle.trimmed)"
        let verdict = report.passed ? "Passed" : "Not passed"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            \(stylesheet)
            </style>
            </head>
            <body>
            <main>
            <header>
            <p class="eyebrow">Assessment report</p>
            <h1>\(escape(report.assessmentTitle))</h1>
            <p class="candidate">\(escape(report.candidate.name)) &lt;\(escape(report.candidate.email))&gt;</p>
            </header>
            <section class="result \(report.passed ? "passed" : "failed")">
            <p class="score"><strong>\(NumberText.points(report.totalPoints))</strong> of \
            \(NumberText.points(report.maxPoints)) points · <strong>\(NumberText.percent(report.percent))%</strong></p>
            <p class="verdict">\(verdict) <span>(\(NumberText.points(report.passingPercent))% needed)</span></p>
            </section>
            <p class="summary">\(escape(report.summary))</p>
            \(questionsSection(report.questions))\(skillsSection(report.skills))<section class="lists">
            \(listSection("Strengths", report.strengths))\(listSection("To improve", report.improvements))</section>
            <footer>
            <p>Submission \(escape(report.submissionID)) · Assessment \(escape(report.assessmentID)) · \
            Scored by \(escape(report.scorer)) · Generated \(report.generatedAt.formatted(.iso8601))</p>
            </footer>
            </main>
            </body>
            </html>

            """
    }

    /// Returns the text with `&`, `<`, `>`, `"` and `'` replaced by HTML character references.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func questionsSection(_ questions: [ReportQuestion]) -> String {
        guard !questions.isEmpty else {
            return ""
        }
        let rows = questions.map { question in
            """
            <tr><td class="id">\(escape(question.questionID))</td><td>\(escape(question.prompt))</td>\
            <td class="number">\(NumberText.points(question.points)) / \(NumberText.points(question.maxPoints))</td>\
            <td>\(escape(question.feedback))</td></tr>
            """
        }
        return """
            <section>
            <h2>Questions</h2>
            <table>
            <thead><tr><th>Question</th><th>Prompt</th><th class="number">Points</th><th>Feedback</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>
            </section>

            """
    }

    private static func skillsSection(_ skills: [SkillScore]) -> String {
        guard !skills.isEmpty else {
            return ""
        }
        let rows = skills.map { skill in
            let width = NumberText.percent(min(max(skill.percent, 0), 100))
            return """
                <tr><td>\(escape(skill.skill))</td>\
                <td class="number">\(NumberText.points(skill.points)) / \(NumberText.points(skill.maxPoints))</td>\
                <td class="number">\(NumberText.percent(skill.percent))%</td>\
                <td class="bar"><div style="width: \(width)%"></div></td></tr>
                """
        }
        return """
            <section>
            <h2>Skills</h2>
            <table>
            <thead><tr><th>Skill</th><th class="number">Points</th><th class="number">Percent</th><th></th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>
            </section>

            """
    }

    private static func listSection(_ heading: String, _ items: [String]) -> String {
        let list =
            items.isEmpty
            ? "<p class=\"none\">None.</p>"
            : "<ul>\n\(items.map { "<li>\(escape($0))</li>" }.joined(separator: "\n"))\n</ul>"
        return "<div>\n<h2>\(heading)</h2>\n\(list)\n</div>\n"
    }

    private static let stylesheet = """
        :root { --ink: #1d232b; --muted: #5b6572; --line: #d9dee4; --pass: #1f7a3f; --fail: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f4f6f8; color: var(--ink);
          font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 960px; margin: 2rem auto; padding: 2rem 2.5rem; background: #fff;
          border: 1px solid var(--line); border-radius: 8px; }
        h1 { margin: 0 0 .25rem; font-size: 1.75rem; }
        h2 { margin: 1.75rem 0 .5rem; font-size: 1.1rem; }
        .eyebrow { margin: 0; color: var(--muted); font-size: .8rem; letter-spacing: .08em; text-transform: uppercase; }
        .candidate { margin: 0; color: var(--muted); }
        .result { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap;
          margin: 1.5rem 0 1rem; padding: 1rem 1.25rem; border-radius: 6px; border-left: 6px solid; }
        .result p { margin: 0; font-size: 1.2rem; }
        .result.passed { border-color: var(--pass); background: #eaf5ee; }
        .result.failed { border-color: var(--fail); background: #fbeceb; }
        .passed .verdict { color: var(--pass); font-weight: 600; }
        .failed .verdict { color: var(--fail); font-weight: 600; }
        .verdict span { color: var(--muted); font-weight: 400; font-size: .95rem; }
        .summary { font-size: 1.05rem; }
        table { width: 100%; border-collapse: collapse; }
        th, td { padding: .45rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; }
        td.id { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
        .number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.bar { width: 30%; vertical-align: middle; }
        td.bar div { height: .6rem; background: #3b6ea8; border-radius: 3px; }
        .lists { display: grid; grid-template-columns: 1fr 1fr; gap: 0 2rem; }
        .lists ul { margin: 0; padding-left: 1.2rem; }
        .none { color: var(--muted); }
        footer { margin-top: 2rem; padding-top: .75rem; border-top: 1px solid var(--line);
          color: var(--muted); font-size: .8rem; }
        @media (max-width: 640px) { main { margin: 0; padding: 1.25rem; border: 0; } .lists { display: block; } }
        @media print {
          @page { margin: 1.5cm; }
          body { background: #fff; font-size: 11pt; }
          main { max-width: none; margin: 0; padding: 0; border: 0; }
          .result, td.bar div { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          tr { break-inside: avoid; }
          h2 { break-after: avoid; }
        }
        """
}
