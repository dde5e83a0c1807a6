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

    /// Runs the cases whose names `select` picks; returns the largest difference seen.
    private func compare(_ select: (String) -> Bool, group: String) throws -> Int {
        let generated = try PillowReference.generated()
        let cases = generated.cases.filter { select($0.name) }
        XCTAssertFalse(cases.isEmpty, "no \(group) cases in the generated cases.tsv")
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
            if d.largest > largest || worst == "-" { (largest, worst) = (d.largest, c.name) }
        }
        print("\(group) vs \(generated.summary.split(separator: ":").first ?? "Pillow"): \(cases.count) cases, "
            + "largest difference \(largest) 8-bit levels (\(worst)), \(differing) cases not identical")
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
        XCTAssertEqual(try compare({ $0.hasPrefix("course_") && $0.hasSuffix("_png") }, group: "course PNG"), 0)
    }

    /// The same images as Pillow's JPEGs decode to Pillow's pixels; upscaled by Pillow
    /// (256 x 256, 400 x 300) and resized back to 64 x 64, they equal Pillow's resize.
    func testCourseTestSetJPEGsAndUpscaledCopiesEqualPillow() throws {
        XCTAssertEqual(try compare({ $0.hasPrefix("course_") && $0.hasSuffix("_jpg") }, group: "course JPEG"), 0)
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
