import XCTest

@testable import DeepNet

/// The engines compute g'(Z) from A = g(Z): it must be the course's value from Z, bit for bit.
final class ActivationTests: XCTestCase {
    func testBackwardFromTheOutputEqualsBackwardFromZ() {
        var rng = NumpyRandom(seed: 3)
        let special: [Double] = [0, -0.0, 1e-320, -1e-320, 5e-324, -5e-324, 1e-300, -1e-300, 0.5, -0.5,
                                 1, -1, 20, -20, 36.7, -36.7, 40, -40, 710, -710, 745, -745, 1e300, -1e300]
        let zs = special + rng.randn(1, 2000).storage.map { $0 * 8 }
        let dAs = [1.0, -0.37, 3e-5, 1e300]
        for g in Activation.allCases {
            for z in zs {
                let a = g.apply(z)
                for dA in dAs {
                    XCTAssertEqual(g.backward(dA, output: a).bitPattern, g.backward(dA, z).bitPattern,
                                   "\(g): z \(z), a \(a), dA \(dA)")
                }
            }
        }
    }
}
