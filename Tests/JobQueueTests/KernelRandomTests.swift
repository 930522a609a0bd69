import Testing

@testable import JobQueue

@Suite("Kernel random bits, read ahead")
struct KernelRandomTests {
    @Test(
        "words drawn across several refills of the block never repeat, and each bit is set about half the time"
    )
    func wordsLookRandom() {
        var generator = KernelRandom()
        // 8,000 bytes: the 4 KiB block is read again at least once, from any starting point.
        let words = (0..<1000).map { _ in generator.next() }
        #expect(Set(words).count == words.count)
        for bit in 0..<64 {
            let set = words.count { $0 >> UInt64(bit) & 1 == 1 }
            // 1,000 fair coins: 400 to 600 heads leaves out about one run in 10^9.
            #expect((400...600).contains(set), "bit \(bit) was set in \(set) of 1000 words")
        }
    }

    @Test("threads drawing at once never get the same bits")
    func concurrentDrawsDiffer() async {
        let words = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var generator = KernelRandom()
                    return (0..<1000).map { _ in generator.next() }
                }
            }
            return await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
        #expect(Set(words).count == 8000)
    }
}
