import DeepNet
import Support
import Data
import Spec

/// dnn-run's version, written into every manifest.
public let dnnRunVersion = "0.1.0"
