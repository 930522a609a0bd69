import AssayCore
import Foundation
import Testing

@Suite("Report HTML")
struct ReportHTMLRendererTests {
    private func makeReport(candidate: Candidate, assessment: Assessment = TestFixtures.assessment) -> Report
    {
        let content = TestFixtures.content(["q1": .text("b"), "q4": .text("let")], candidate: candidate)
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: assessment.id, scorer: "rubric",
            questions: RubricScorer().score(content, for: assessment), evaluatedAt: date)
        return ReportBuilder.build(
            submissionID: "s1", assessment: assessment, content: content, evaluation: evaluation,
            generatedAt: date)
    }

    @Test("escape replaces the five HTML-special characters and nothing else")
    func escape() {
        #expect(
            ReportHTMLRenderer.escape(#"<a href="x">Tom & Jerry's</a> é"#)
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; é")
    }

    @Test("a candidate named <script> appears escaped, never as markup")
    func escapesCandidate() {
        let name = #"<script>alert("x")</script>"#
        let html = ReportHTMLRenderer.render(
            makeReport(candidate: Candidate(name: name, email: "o'neil@example.com")))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("o&#39;neil@example.com"))
        #expect(html.contains("<title>Report: &lt;script&gt;"))
    }

    @Test("prompts, titles and feedback from the assessment are escaped too")
    func escapesAssessmentText() {
        var assessment = TestFixtures.assessment
        assessment.title = "Generics <T>"
        assessment.questions[0].prompt = "Is `a < b && b > c` valid?"
        let html = ReportHTMLRenderer.render(
            makeReport(candidate: TestFixtures.candidate, assessment: assessment))
        #expect(html.contains("<h1>Generics &lt;T&gt;</h1>"))
        #expect(html.contains("Is `a &lt; b &amp;&amp; b &gt; c` valid?"))
        #expect(!html.contains("<T>"))
    }

    @Test("the page is one self-contained, printable HTML5 document with the report's content")
    func page() {
        let report = makeReport(candidate: TestFixtures.candidate)
        let html = ReportHTMLRenderer.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@media print"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(html.contains("<strong>2</strong> of 11 points · <strong>18.2%</strong>"))
        #expect(html.contains("Not passed <span>(70% needed)</span>"))
        #expect(html.contains(ReportHTMLRenderer.escape(report.summary)))
        #expect(
            html.contains("<td class=\"id\">q2</td><td>Pick a, b and c.</td><td class=\"number\">0 / 3</td>"))
        #expect(html.contains("<td>concurrency</td>"))
        #expect(html.contains("<div style=\"width: 25.0%\"></div>"))
        #expect(html.contains("Generated 2025-06-15T15:06:40Z"))
        for improvement in report.improvements {
            #expect(html.contains("<li>\(ReportHTMLRenderer.escape(improvement))</li>"))
        }
        #expect(html.hasSuffix("</html>\n"))
    }
}
