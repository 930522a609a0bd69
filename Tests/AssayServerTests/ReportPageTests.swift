import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayServer

/// The printable report page, rendered from the dashboard's `report` template.
@Suite("Report page")
struct ReportPageTests {
    /// A report on swift-basics with q1 right (1 of 11 points) and nothing else answered.
    private func makeReport(candidate: Candidate = SampleSubmissions.ada, assessment: Assessment? = nil)
        throws
        -> Report
    {
        let assessment = try assessment ?? AssayFixture.sampleAssessment()
        let content = SubmissionContent(
            candidate: candidate, answers: [Answer(questionID: "q1", answer: .text("b"))])
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
            HTMLEscapedContentType.escape(#"<a href="x">Tom & Jerry's</a> é"#)
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; é")
    }

    @Test("a quote followed by a combining mark is escaped, though it is one character with it")
    func escapesScalarsNotCharacters() throws {
        let name = "\"\u{301} onmouseover=x"
        let html = ReportPage(try makeReport(candidate: Candidate(name: name, email: "a@example.com")))
            .render()
        let escaped = "&quot;\u{301} onmouseover=x"
        let raw = "\"\u{301}"
        #expect(html.contains(escaped))
        #expect(!html.contains(raw))
    }

    @Test("a candidate named <script> appears escaped, never as markup")
    func escapesCandidate() throws {
        let name = #"<script>alert("x")</script>"#
        let html = ReportPage(try makeReport(candidate: Candidate(name: name, email: "o'neil@example.com")))
            .render()
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("o&#39;neil@example.com"))
        #expect(html.contains("<title>Report: &lt;script&gt;"))
    }

    @Test("prompts, titles and feedback from the assessment are escaped too")
    func escapesAssessmentText() throws {
        var assessment = try AssayFixture.sampleAssessment()
        assessment.title = "Generics <T>"
        assessment.questions[0].prompt = "Is `a < b && b > c` valid?"
        let html = ReportPage(try makeReport(assessment: assessment)).render()
        #expect(html.contains("<h1>Generics &lt;T&gt;</h1>"))
        #expect(html.contains("Is `a &lt; b &amp;&amp; b &gt; c` valid?"))
        #expect(!html.contains("<T>"))
    }

    @Test("the page is one self-contained, printable HTML5 document with the report's content")
    func page() throws {
        let report = try makeReport()
        let html = ReportPage(report).render()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@media print"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("<script"))
        #expect(html.contains("<strong>1</strong> of 11 points · <strong>9.1%</strong>"))
        #expect(html.contains("Not passed <span>(70% needed)</span>"))
        #expect(html.contains(HTMLEscapedContentType.escape(report.summary)))
        #expect(html.contains("<td class=\"id\">q1</td>"))
        #expect(html.contains("<td class=\"number\">1 / 1</td>"))
        #expect(html.contains("<td class=\"number\">0 / 2</td>"))
        #expect(html.contains("<td>concurrency</td>"))
        #expect(html.contains("<div style=\"width: 33.3%\"></div>"))
        #expect(html.contains("Generated 2025-06-15T15:06:40Z"))
        for improvement in report.improvements {
            #expect(html.contains("<li>\(HTMLEscapedContentType.escape(improvement))</li>"))
        }
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test("empty sections are left out and empty lists say so")
    func emptySections() throws {
        var report = try makeReport()
        report.questions = []
        report.skills = []
        report.strengths = []
        let html = ReportPage(report).render()
        #expect(!html.contains("<h2>Questions</h2>"))
        #expect(!html.contains("<h2>Skills</h2>"))
        #expect(html.contains("<h2>Strengths</h2>\n<p class=\"none\">None.</p>\n</div>"))
    }

    @Test("an LLM-scored report names its model and lists each call's tokens and latency, with totals")
    func modelCalls() throws {
        var report = try makeReport()
        #expect(!ReportPage(report).render().contains("Model calls"))
        report.scorer = "llm"
        report.model = "gpt-<4o>"
        report.modelCalls = [
            ModelCall(
                purpose: "grade q6", model: "gpt-<4o>", promptTokens: 410, completionTokens: 62,
                latencyMilliseconds: 1480),
            ModelCall(
                purpose: "write report", model: "gpt-<4o>", promptTokens: nil, completionTokens: nil,
                latencyMilliseconds: 900),
        ]
        let html = ReportPage(report).render()
        #expect(html.contains("Scored by llm with gpt-&lt;4o&gt;"))
        #expect(html.contains("<h2>Model calls</h2>"))
        #expect(
            html.contains(
                "<tr><td>grade q6</td><td>gpt-&lt;4o&gt;</td><td class=\"number\">410</td><td class=\"number\">62</td><td class=\"number\">1480 ms</td></tr>"
            ))
        #expect(html.contains("<td class=\"number\">–</td>"))
        #expect(
            html.contains(
                "<tr><th>2 calls</th><td></td><th class=\"number\">410</th><th class=\"number\">62</th><th class=\"number\">2380 ms</th></tr>"
            ))
    }
}
