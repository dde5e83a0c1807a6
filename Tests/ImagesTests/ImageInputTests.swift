import Foundation
import Images
import XCTest

/// What needs no Pillow: files that are not there or not files, the resize's invariants,
/// the feature layout.
final class ImageInputTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dnn-run-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func reason(loading path: String, limits: ImageLimits = .default,
                        file: StaticString = #filePath, line: UInt = #line) -> ImageError? {
        do {
            _ = try ImageInput.load(path: path, width: 64, height: 64, limits: limits)
            XCTFail("\(path) loaded", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.path, path, file: file, line: line)
            return error
        }
    }

    func testAMissingFileIsUnreadableWithTheSystemsReason() {
        let path = folder.appendingPathComponent("no_such_cat.jpg").path
        let error = reason(loading: path)
        XCTAssertEqual(error?.reason, .unreadable("No such file or directory"))
        XCTAssertEqual(error?.description, "\(path): cannot read the file: No such file or directory")
    }

    func testADirectoryIsNotARegularFile() {
        let error = reason(loading: folder.path)
        XCTAssertEqual(error?.reason, .notARegularFile)
        XCTAssertEqual(error?.description, "\(folder.path): not a regular file; expected a PNG or JPEG image")
    }

    func testAFileOverTheSizeLimitIsRefusedBeforeReading() throws {
        let path = folder.appendingPathComponent("big.png").path
        try Data(repeating: 7, count: 3000).write(to: URL(fileURLWithPath: path))
        let error = reason(loading: path, limits: ImageLimits(maximumFileBytes: 2999))
        XCTAssertEqual(error?.reason, .fileTooLarge(bytes: 3000, limit: 2999))
        XCTAssertEqual(error?.description,
                       "\(path): the file has 3000 bytes, more than the 2999 bytes an image file may have; "
                       + "save a smaller copy of the image")
        // At the limit it is read, and found to be no image.
        XCTAssertEqual(reason(loading: path, limits: ImageLimits(maximumFileBytes: 3000))?.reason, .notAnImage)
        XCTAssertEqual(ImageError(path: "x.jpg", reason: .fileTooLarge(bytes: 70 << 20, limit: 64 << 20)).description,
                       "x.jpg: the file has 70 MiB, more than the 64 MiB an image file may have; save a smaller copy of the image")
    }

    func testAPathThroughAFileIsUnreadableWithTheSystemsReason() throws {
        let file = folder.appendingPathComponent("photo.png")
        try Data([0x89]).write(to: file)
        let path = file.path + "/inside.png"
        XCTAssertEqual(reason(loading: path)?.reason, .unreadable("Not a directory"))
    }

    /// A flat colour stays flat through any resize: the fixed-point weights of every
    /// output pixel sum to one within the rounding, down, up and at the clipping ends.
    func testAFlatColourStaysFlat() {
        for (w, h, tw, th) in [(1, 1, 64, 64), (301, 257, 64, 64), (7, 300, 64, 64), (64, 64, 13, 200), (5, 3, 4, 9)] {
            let colour: [UInt8] = [0, 255, 97]
            let image = RGBImage(width: w, height: h, pixels: Array((0..<(w * h)).map { _ in colour }.joined()))
            let resized = image.resized(width: tw, height: th)
            XCTAssertEqual(resized.width, tw)
            XCTAssertEqual(resized.height, th)
            XCTAssertEqual(resized.pixels, Array((0..<(tw * th)).map { _ in colour }.joined()), "\(w)x\(h) -> \(tw)x\(th)")
        }
    }

    func testTheSameSizeIsACopy() {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 13) })
        XCTAssertEqual(image.resized(width: 3, height: 2), image)
    }

    /// A step edge downscaled by 2: Catmull-Rom overshoots on both sides and clips.
    func testAStepOvershootsAndClipsAsTheKernelSays() {
        // One row 0 0 0 0 255 255 255 255 to 4 pixels: scale 2, support 4, the kernel
        // k(x / 2) over the input centres. Output 1 (centre 3) sees 0 0 0 0 255 255 255
        // with weights computed here the long way, in doubles, then rounded as Pillow does.
        let row: [UInt8] = [0, 0, 0, 0, 255, 255, 255, 255]
        let image = RGBImage(width: 8, height: 1, pixels: row.flatMap { [$0, $0, $0] })
        let out = image.resized(width: 4, height: 1).pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        func k(_ x: Double) -> Double {
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        }
        var expected: [UInt8] = []
        for i in 0..<4 {
            let c = (Double(i) + 0.5) * 2
            let lo = max(Int(c - 4 + 0.5), 0), hi = min(Int(c + 4 + 0.5), 8)
            let w = (lo..<hi).map { k((Double($0) - c + 0.5) / 2) }
            let total = w.reduce(0, +)
            let value = zip(lo..<hi, w).map { Double(row[$0.0]) * $0.1 / total }.reduce(0, +)
            expected.append(UInt8(clamping: Int((value + 0.5).rounded(.down))))
        }
        XCTAssertEqual(out, expected)
        XCTAssertEqual(out.first, 0, "the undershoot before the edge clips to 0")
        XCTAssertEqual(out.last, 255, "the overshoot after the edge clips to 255")
    }

    /// numpy's x.reshape(m, -1).T: image j is column j; row i is byte i of every image.
    func testFeatureColumnsPutOneImagePerColumn() {
        let a: [UInt8] = [0, 51, 255]
        let b: [UInt8] = [102, 153, 204]
        XCTAssertEqual(ImageInput.featureColumns([a, b], scale: 255), [0, 102.0 / 255, 51.0 / 255, 153.0 / 255, 1, 204.0 / 255])
        XCTAssertEqual(ImageInput.features(b, scale: 1), [102, 153, 204])
        XCTAssertEqual(ImageInput.featureColumns([], scale: 255), [])
    }
}
