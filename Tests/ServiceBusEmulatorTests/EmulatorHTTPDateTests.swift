import Foundation
import Testing

@testable import ServiceBusEmulator

/// The emulator's RFC 1123 dates agree with Foundation's date formatter, across leap days, century
/// years and dates before 1970.
struct EmulatorHTTPDateTests {
    static let reference: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()

    @Test(arguments: [
        0.0, -1, 951_782_400, 951_868_799.75, 1_404_264_747, 4_107_542_400, -2_208_988_800, 253_402_300_799,
    ])
    func formatAndParseAgreeWithFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let text = EmulatorHTTPDate.format(date)
        #expect(text == Self.reference.string(from: date))
        #expect(EmulatorHTTPDate.parse(text) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test func everyDayOfFourHundredYearsRoundTrips() {
        for day in stride(from: -146_097, through: 146_097, by: 1) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400 + 3_723)
            #expect(EmulatorHTTPDate.parse(EmulatorHTTPDate.format(date)) == date)
        }
    }

    @Test func textsThatAreNotDatesAreRefused() {
        #expect(EmulatorHTTPDate.parse("Wed, 02 Jul 2014 01:32:27 GMT") != nil)
        #expect(EmulatorHTTPDate.parse("2014-07-02T01:32:27Z") == nil)
        #expect(EmulatorHTTPDate.parse("Wed, 32 Jul 2014 01:32:27 GMT") == nil)
        #expect(EmulatorHTTPDate.parse("Wed, 02 Jul 2014 24:00:00 GMT") == nil)
        #expect(EmulatorHTTPDate.parse("Wed, 99999999999999999 Jul 2014 01:32:27 GMT") == nil)
    }
}
