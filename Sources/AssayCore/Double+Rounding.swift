import Foundation

extension Double {
    // This number rounded half away from zero to `places` decimal places.
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
