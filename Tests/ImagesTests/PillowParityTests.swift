import Foundation
import Images
import XCTest

/// Images against Pillow: every case of Reference/pillow_reference.py decoded and resized
/// here, byte for byte against `np.asarray(Image.open(f).convert("RGB").resize((w, h)))`.
final class PillowParityTests: XCTestCase {
    override class func tearDown() {
        PillowReference.removeFiles()
        super.tearDown()
    }

    /// The largest difference in 8-bit levels between `ours` and `theirs`, and how many
    /// bytes differ.
    private func difference(_ ours: [UInt8], _ theirs: [UInt8]) -> (largest: Int, count: Int) {
        var largest = 0
        var count = 0
        for (a, b) in zip(ours, theirs) where a != b {
            largest = max(largest, abs(Int(a) - Int(b)))
            count += 1
        }
        return (largest, count)
    }

    /// The README's count of cases compared with Pillow, by group: 207 in all.
    static let expectedCases = ["PNG": 46, "JPEG": 11, "course PNG": 50, "course JPEG": 50, "course upscaled": 50]

    func testTheREADMEsCaseCountIsTheCasesCompared() {
        XCTAssertEqual(Self.expectedCases.values.reduce(0, +), 207, "README: 'on 207 cases'")
    }

    /// Runs the cases whose names `select` picks, as many as `expectedCases` says, and
    /// checks that every one is identical to Pillow's; returns the largest difference seen.
    private func compare(_ select: (String) -> Bool, group: String) throws -> Int {
        let generated = try PillowReference.generated()
        let cases = generated.cases.filter { select($0.name) }
        XCTAssertEqual(cases.count, Self.expectedCases[group], "\(group) cases in the generated cases.tsv")
        var largest = 0
        var worst = "-"
        var differing = 0
        for c in cases {
            let path = generated.url(c.image).path
            let ours: [UInt8]
            do {
                ours = try ImageInput.load(path: path, width: c.width, height: c.height)
            } catch {
                XCTFail("\(c.name): \(error)")
                continue
            }
            let theirs = try generated.bytes(c.reference)
            XCTAssertEqual(ours.count, theirs.count, "\(c.name): byte count")
            let d = difference(ours, theirs)
            if d.count > 0 {
                differing += 1
                print("\(group): \(c.name): largest difference \(d.largest), \(d.count) of \(theirs.count) bytes differ")
            }
            if d.largest > largest { (largest, worst) = (d.largest, c.name) }
        }
        print("\(group) vs \(generated.summary.split(separator: ":").first ?? "Pillow"): \(cases.count) cases, "
            + "largest difference \(largest) 8-bit levels\(largest > 0 ? " (\(worst))" : ""), "
            + "\(differing) cases not identical")
        XCTAssertEqual(differing, 0, "\(group): every case byte for byte")
        return largest
    }

    /// PNGs of many sizes and aspect ratios (down, up, 1 x 1, 2 x 300, to non-square
    /// sizes, unchanged), modes convert("RGB") handles (grey, grey + alpha, RGBA, palette
    /// with and without tRNS, 1/2/4-bit, 16-bit, interlaced), noise and saturated edges.
    func testPNGResizeEqualsPillow() throws {
        let largest = try compare({ !$0.hasPrefix("jpeg_") && !$0.hasPrefix("course_") }, group: "PNG")
        XCTAssertEqual(largest, 0, "largest difference from Pillow over the PNG cases, in 8-bit levels")
    }

    /// JPEG (4:2:0, 4:2:2, 4:4:4, progressive, optimized, grey, odd sizes, 1 x 1, an EXIF
    /// orientation, a 4000 x 3000 photo) through libjpeg-turbo, then the resize.
    func testJPEGDecodeAndResizeEqualPillow() throws {
        let largest = try compare({ $0.hasPrefix("jpeg_") }, group: "JPEG")
        XCTAssertEqual(largest, 0, "largest difference from Pillow over the JPEG cases, in 8-bit levels")

        // The time a photo takes (informational: this machine is shared).
        let path = try PillowReference.generated().url("img/large_4000x3000.jpg").path
        let clock = ContinuousClock()
        var image: RGBImage?
        let decoding = try clock.measure { image = try ImageInput.decode(path: path) }
        let resizing = clock.measure { _ = image!.resized(width: 64, height: 64) }
        print("4000 x 3000 JPEG: decode \(decoding), resize to 64 x 64 \(resizing)")
    }

    /// The course's 50 test images written by Pillow as 64 x 64 PNGs decode to exactly
    /// the bytes of test_catvnoncat.h5's test_set_x (read by h5py).
    func testCourseTestSetPNGsDecodeToTheHDF5Bytes() throws {
        let generated = try PillowReference.generated()
        let hdf5 = try generated.bytes("course_test_set_x.u8")
        XCTAssertEqual(hdf5.count, 50 * 64 * 64 * 3)
        for i in 0..<50 {
            let path = generated.url(String(format: "course/%02d.png", i)).path
            let pixels = try ImageInput.load(path: path, width: 64, height: 64)
            let expected = Array(hdf5[i * 12288..<(i + 1) * 12288])
            XCTAssertEqual(difference(pixels, expected).count, 0, "course test image \(i): PNG pixels != HDF5 bytes")
        }
        let largest1 = try compare({ $0.hasPrefix("course_") && $0.hasSuffix("_png") }, group: "course PNG")
        XCTAssertEqual(largest1, 0)
    }

    /// The same images as Pillow's JPEGs decode to Pillow's pixels; upscaled by Pillow
    /// (256 x 256, 400 x 300) and resized back to 64 x 64, they equal Pillow's resize.
    func testCourseTestSetJPEGsAndUpscaledCopiesEqualPillow() throws {
        let largest2 = try compare({ $0.hasPrefix("course_") && $0.hasSuffix("_jpg") }, group: "course JPEG")
        XCTAssertEqual(largest2, 0)
        let largest = try compare({ $0.hasPrefix("course_") && $0.contains("_up_") }, group: "course upscaled")
        XCTAssertLessThanOrEqual(largest, 1, "upscaled course images resized back: at most 1 level from Pillow")
        XCTAssertEqual(largest, 0, "upscaled course images resized back: identical to Pillow")
    }

    /// `featureColumns` of the first three course images equals numpy's
    /// `x[:3].reshape(3, -1).T / 255`, bit for bit.
    func testFeatureColumnsEqualNumpyReshape() throws {
        let generated = try PillowReference.generated()
        let images = try (0..<3).map { i in
            try ImageInput.load(path: generated.url(String(format: "course/%02d.png", i)).path, width: 64, height: 64)
        }
        let ours = ImageInput.featureColumns(images, scale: 255)
        let numpy = try generated.bytes("course_features.f8").withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
        XCTAssertEqual(numpy.count, 12288 * 3)
        XCTAssertEqual(ours, numpy, "feature columns differ from numpy's reshape(m, -1).T / 255")
        XCTAssertEqual(ImageInput.features(images[1], scale: 255), (0..<12288).map { numpy[$0 * 3 + 1] })
    }

    /// Every bad file gives its error, naming the file.
    func testBadFilesGiveTheirErrors() throws {
        let generated = try PillowReference.generated()
        XCTAssertFalse(generated.errors.isEmpty)
        for (image, expected) in generated.errors {
            let path = generated.url(image).path
            do {
                let pixels = try ImageInput.load(path: path, width: 64, height: 64)
                XCTFail("\(image): loaded \(pixels.count) bytes; expected the error \(expected)")
            } catch {
                XCTAssertEqual(error.path, path)
                XCTAssertEqual(tag(error.reason), expected, "\(image): \(error)")
                XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description)
            }
        }
    }

    /// The limits refuse from the header, before decoding, with the image's own size.
    func testLimitsRefuseBeforeDecoding() throws {
        let generated = try PillowReference.generated()
        for (image, width, height) in [("img/photo_301x257_to_64x64.png", 301, 257), ("img/q75.jpg", 301, 257)] {
            let path = generated.url(image).path
            let limits = ImageLimits(maximumPixels: 301 * 257 - 1)
            XCTAssertThrowsError(try ImageInput.load(path: path, width: 64, height: 64, limits: limits)) { error in
                XCTAssertEqual((error as? ImageError)?.reason,
                               .tooManyPixels(width: width, height: height, limit: 301 * 257 - 1))
                XCTAssertEqual("\(error)", "\(path): the image is 301 x 257 = 77357 pixels, more than the limit "
                               + "of 77356; save a smaller copy of the image")
            }
            XCTAssertNoThrow(try ImageInput.load(path: path, width: 64, height: 64,
                                                 limits: ImageLimits(maximumPixels: 301 * 257)))
        }
    }

    /// What each bad file's message says, in full for a few.
    func testErrorMessagesNameTheFileAndWhatWasExpected() throws {
        let generated = try PillowReference.generated()
        let messages = [
            "bad/text.png": "not a PNG or JPEG image (its first bytes are neither format's signature); expected a PNG or JPEG image",
            "bad/truncated.jpg": "the file is truncated: it ends before the image data does; copy or download it again",
            "bad/image.gif": "a GIF image, which is not read; expected a PNG or JPEG image: convert it, "
                + "e.g. Image.open(path).convert(\"RGB\").save(\"image.png\") with Pillow",
            "bad/empty.jpg": "the file is empty; expected a PNG or JPEG image",
        ]
        for (image, message) in messages {
            let path = generated.url(image).path
            XCTAssertThrowsError(try ImageInput.decode(path: path)) { error in
                XCTAssertEqual("\(error)", "\(path): \(message)")
            }
        }
        for image in ["bad/corrupt_idat.png", "bad/bogus_huffman_table.jpg"] {
            let path = generated.url(image).path
            XCTAssertThrowsError(try ImageInput.decode(path: path)) { error in
                print("\(image): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("\(path): corrupt image data ("), "\(error)")
            }
        }
    }

    /// Damaged copies of a PNG and a JPEG (bytes overwritten at seeded random places, or
    /// cut at many lengths) decode or throw an ImageError; none may crash the process.
    func testDamagedFilesDecodeOrThrowButNeverCrash() throws {
        let generated = try PillowReference.generated()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        let damaged = generated.url("damaged.bin").path
        var outcomes: [String: Int] = [:]
        for image in ["img/photo_301x257_to_64x64.png", "img/progressive.jpg", "img/q75.jpg", "img/interlaced.png"] {
            let original = try generated.bytes(image)
            var variants: [[UInt8]] = stride(from: 1, to: original.count, by: max(1, original.count / 60))
                .map { Array(original[..<$0]) }
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<(1 + next() % 4) {
                    // Mostly near the start, where the headers and tables are.
                    let at = next() % 2 == 0 ? next() % min(bytes.count, 700) : next() % bytes.count
                    bytes[at] = UInt8(truncatingIfNeeded: next())
                }
                variants.append(bytes)
            }
            for bytes in variants {
                try Data(bytes).write(to: URL(fileURLWithPath: damaged))
                do {
                    let decoded = try ImageInput.decode(path: damaged)
                    XCTAssertEqual(decoded.pixels.count, decoded.width * decoded.height * 3)
                    outcomes["decoded", default: 0] += 1
                } catch {
                    outcomes["\(tag(error.reason).split(separator: ":")[0])", default: 0] += 1
                }
            }
        }
        print("damaged files: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        XCTAssertGreaterThan(outcomes["truncated", default: 0], 100)
        XCTAssertGreaterThan(outcomes["corrupt", default: 0], 0)
    }

    private func tag(_ reason: ImageError.Reason) -> String {
        switch reason {
        case .unreadable: return "unreadable"
        case .notARegularFile: return "notARegularFile"
        case .fileTooLarge: return "fileTooLarge"
        case .empty: return "empty"
        case .notAnImage: return "notAnImage"
        case .unsupportedFormat(let name): return "unsupportedFormat:\(name)"
        case .truncated: return "truncated"
        case .corrupt: return "corrupt"
        case .tooManyPixels: return "tooManyPixels"
        case .outOfMemory: return "outOfMemory"
        }
    }
}
