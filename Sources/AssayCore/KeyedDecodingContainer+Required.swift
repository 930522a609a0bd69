extension KeyedDecodingContainer {
    // Decodes a required value; a missing key, a null or a value of the wrong type gives an error that
    // names the field, its owner and what it should hold.
    func decodeRequired<T: Decodable>(
        _ type: T.Type,
        forKey key: Key,
        of owner: String,
        expecting expectation: String
    ) throws -> T {
        guard contains(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: codingPath,
                    debugDescription: "\(owner) needs \"\(key.stringValue)\": \(expectation)"
                )
            )
        }
        do {
            return try decode(type, forKey: key)
        } catch DecodingError.typeMismatch(_, let context)
            where context.codingPath.count == codingPath.count + 1
        {
            throw mismatch(type, forKey: key, of: owner, expecting: expectation)
        } catch DecodingError.valueNotFound(_, let context)
            where context.codingPath.count == codingPath.count + 1
        {
            throw mismatch(type, forKey: key, of: owner, expecting: expectation)
        }
    }

    private func mismatch<T>(_ type: T.Type, forKey key: Key, of owner: String, expecting expectation: String)
        -> DecodingError
    {
        DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: codingPath + [key],
                debugDescription: "\(owner): \"\(key.stringValue)\" must be \(expectation)"
            )
        )
    }
}
