extension NumpyRandom {
    /// numpy's legacy `random_interval(max)`: a uniform integer in 0 ... max, drawn by
    /// masking 32-bit outputs to the smallest 2^k - 1 covering max and rejecting those above.
    mutating func interval(_ max: UInt32) -> UInt32 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        var value: UInt32
        repeat { value = nextUInt32() & mask } while value > max
        return value
    }

    /// `np.random.shuffle(x)` of a one-dimensional array (legacy Fisher-Yates from the end).
    public mutating func shuffle<T>(_ x: inout [T]) {
        guard x.count > 1 else { return }
        for i in stride(from: x.count - 1, through: 1, by: -1) {
            let j = Int(interval(UInt32(i)))
            x.swapAt(i, j)
        }
    }

    /// `np.random.permutation(n)`: 0 ..< n shuffled.
    public mutating func permutation(_ n: Int) -> [Int] {
        var x = Array(0..<n)
        shuffle(&x)
        return x
    }
}
