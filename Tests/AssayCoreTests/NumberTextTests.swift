import Foundation
import Testing

@testable import AssayCore

@Suite("Numbers written for people")
struct NumberTextTests {
    @Test("a percentage has exactly one decimal, rounded as printf rounds the value rounded to tenths")
    func percentHasOneDecimal() {
        let values: [Double] = [0, 75, 100, 66.666, 33.35, 99.96, 0.04, 0.05, -2.5, 12.25, 1e6 + 0.15]
        for value in values {
            #expect(
                NumberText.percent(value) == String(format: "%.1f", value.rounded(toPlaces: 1)), "\(value)")
        }
        #expect(NumberText.percent(66.666) == "66.7")
        #expect(NumberText.percent(100) == "100.0")
        #expect(NumberText.percent(-2.5) == "-2.5")
        #expect(NumberText.percent(-0.04) == "0.0", "no negative zero")
        #expect(NumberText.percent(.infinity) == "inf")
    }
}
