import Foundation

/// A value SQLite stores or a statement binds: its five storage classes.
///
/// The accessors convert between them as SQLite's own `sqlite3_column_*` functions would: an
/// integer read as text is its decimal digits, text read as a number is parsed.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int)
    case float(Double)
    case text(String)
    case blob([UInt8])

    var isNull: Bool { self == .null }

    var string: String? {
        switch self {
        case .text(let text): text
        case .integer(let integer): String(integer)
        case .float(let float): String(float)
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .null: nil
        }
    }

    var integer: Int? {
        switch self {
        case .integer(let integer): integer
        case .float(let float): Int(exactly: float.rounded(.towardZero))
        case .text(let text): Int(text)
        case .blob, .null: nil
        }
    }

    var double: Double? {
        switch self {
        case .integer(let integer): Double(integer)
        case .float(let float): float
        case .text(let text): Double(text)
        case .blob, .null: nil
        }
    }
}
