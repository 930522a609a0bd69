extension Double {
    /// Points rounded to two decimals.
    var roundedPoints: Double {
        (self * 100).rounded() / 100
    }

    /// Points as people write them: rounded to two decimals, without trailing zeros ("3", "2.5").
    var pointsText: String {
        let rounded = roundedPoints
        if rounded == rounded.rounded() && abs(rounded) < 1e15 {
            return String(Int(rounded))
        }
        return "\(rounded)"
    }
}
