/// Encodes an `Encodable` value as a `JSONValue`, so that a `Codable` type's own
/// `CodingKeys` are the only spelling of its keys, in the files as in decoding.
///
/// The text is as deterministic as `JSONValue`'s: object members in the order the value
/// encodes them (a synthesized `encode(to:)` follows the order of the `CodingKeys`
/// cases), `Double` as its shortest decimal, and an absent optional as `null`, so that
/// every key is always present (`encodeIfPresent` writes `null` rather than omitting it).
///
///     struct Point: Encodable { var x: Double; var label: String? }
///     try JSONValueEncoder().encode(Point(x: 0.5, label: nil)).rendered()
///     // {\n  "x": 0.5,\n  "label": null\n}\n
public struct JSONValueEncoder {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        let node = Node()
        try value.encode(to: NodeEncoder(node: node, codingPath: []))
        return node.value
    }
}

/// A value being built: empty until a container or a scalar is written into it.
private final class Node {
    enum Content {
        case empty
        case scalar(JSONValue)
        case object([(key: String, node: Node)])
        case array([Node])
    }

    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: return .object([])
        case .scalar(let value): return value
        case .object(let members): return .object(members.map { ($0.key, $0.node.value) })
        case .array(let items): return .array(items.map(\.value))
        }
    }

    /// The member `key` of this object (made one if it is not yet), added at the end
    /// unless it is there already.
    func member(_ key: String) -> Node {
        guard case .object(var members) = content else {
            let node = Node()
            content = .object([(key, node)])
            return node
        }
        if let existing = members.first(where: { $0.key == key }) { return existing.node }
        let node = Node()
        members.append((key, node))
        content = .object(members)
        return node
    }

    /// A new last item of this array (made one if it is not yet).
    func appendItem() -> Node {
        let node = Node()
        if case .array(let items) = content {
            content = .array(items + [node])
        } else {
            content = .array([node])
        }
        return node
    }

    var count: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }
}

/// A coding key for the coding paths of array items ("0", "1"...) and of `super`.
private struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) { (stringValue, intValue) = ("\(index)", index) }
    init(stringValue: String) { (self.stringValue, intValue) = (stringValue, nil) }
    init(intValue: Int) { self.init(intValue) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    private func encoder(for key: any CodingKey) -> NodeEncoder {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: encoder(for: key))
    }

    /// Writes `value`, or `null` for nil: every key is always present. Every
    /// `encodeIfPresent` (the synthesized `encode(to:)` calls them for optionals) comes here.
    private mutating func encodeOrNull(_ value: (some Encodable)?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOrNull(value, forKey: key) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        encoder(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder(for: PathKey(stringValue: "super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(for: key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    private func nextEncoder() -> NodeEncoder {
        let index = node.count
        return NodeEncoder(node: node.appendItem(), codingPath: codingPath + [PathKey(index)])
    }

    mutating func encodeNil() throws { nextEncoder().node.content = .scalar(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: nextEncoder()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        nextEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nextEncoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { nextEncoder() }
}

/// The one place scalars become `JSONValue`s.
private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    private func set(_ value: JSONValue) { node.content = .scalar(value) }

    private func integer(_ value: some BinaryInteger) throws -> JSONValue {
        guard let int = Int(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) is out of Int's range"))
        }
        return .int(int)
    }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(.number(value)) }
    mutating func encode(_ value: Float) throws { set(.number(Double(value))) }
    mutating func encode(_ value: Int) throws { set(.int(value)) }
    mutating func encode(_ value: Int8) throws { set(try integer(value)) }
    mutating func encode(_ value: Int16) throws { set(try integer(value)) }
    mutating func encode(_ value: Int32) throws { set(try integer(value)) }
    mutating func encode(_ value: Int64) throws { set(try integer(value)) }
    mutating func encode(_ value: UInt) throws { set(try integer(value)) }
    mutating func encode(_ value: UInt8) throws { set(try integer(value)) }
    mutating func encode(_ value: UInt16) throws { set(try integer(value)) }
    mutating func encode(_ value: UInt32) throws { set(try integer(value)) }
    mutating func encode(_ value: UInt64) throws { set(try integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: node, codingPath: codingPath)) }
}
