import DeepNet
import FoundationEssentials
import Glibc
import Support

/// The file names of a run folder.
public enum RunFile {
    public static let spec = "spec.yaml"
    public static let costs = "costs.csv"
    public static let parameters = "parameters.json"
    public static let metrics = "metrics.json"
    public static let manifest = "manifest.json"
}

/// Renders and reads the files of a run folder.
public enum RunFiles {
    /// `costs.csv`: a header, then `iteration,cost` per recorded iteration (pass); with a
    /// learning-rate decay, `iteration,cost,learning_rate`, the rate after the pass (the
    /// next pass's, as the course prints it).
    public static func costsCSV(_ costs: [CostRecord]) -> String {
        let withRates = costs.contains { $0.learningRate != nil }
        var text = withRates ? "iteration,cost,learning_rate\n" : "iteration,cost\n"
        for c in costs {
            text += "\(c.iteration),\(shortestDecimal(c.cost))"
            if withRates { text += "," + (c.learningRate.map(shortestDecimal) ?? "") }
            text += "\n"
        }
        return text
    }

    /// `parameters.json`: `{"W1": [[...], ...], "b1": [[...]], ...}`, row-major, every
    /// number the shortest decimal that reads back to the same Double. Streamed into
    /// `out`: W1 of the cat model alone is a quarter of a million numbers.
    public static func writeParametersJSON(_ parameters: Parameters, to out: inout some TextOutputStream) {
        out.write("{\n")
        for (i, (name, matrix)) in parameters.named.enumerated() {
            out.write("  \"\(name)\": [")
            for r in 0..<matrix.rows {
                out.write(r == 0 ? "[" : ",\n    [")
                for c in 0..<matrix.cols {
                    if c > 0 { out.write(", ") }
                    // shortestDecimal's digits (Double's description), written without a
                    // String per number: a sink with _writeASCII takes them as bytes.
                    matrix[r, c].write(to: &out)
                }
                out.write("]")
            }
            out.write(i + 1 < parameters.layerCount * 2 ? "],\n" : "]\n")
        }
        out.write("}\n")
    }

    /// `parameters.json` as a string (for comparing with a file).
    public static func parametersJSON(_ parameters: Parameters) -> String {
        var text = ""
        writeParametersJSON(parameters, to: &text)
        return text
    }

    /// `metrics.json` or `manifest.json`: the value's keys in the order of its
    /// `CodingKeys`, numbers as their shortest decimals, a missing value as null.
    public static func jsonText(_ value: some Encodable) throws -> String {
        try JSONValueEncoder().encode(value).rendered()
    }

    /// Reads `costs.csv` back.
    public static func readCosts(atPath path: String) throws -> [CostRecord] {
        let text = String(decoding: try FileSystem.readRegular(path), as: UTF8.self)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 2 || fields.count == 3, let i = Int(fields[0]), let c = Double(fields[1]) else {
                return nil
            }
            return CostRecord(iteration: i, cost: c, learningRate: fields.count == 3 ? Double(fields[2]) : nil)
        }
    }

    /// Reads `parameters.json` back, in W1, b1, W2, b2 ... order. (JSONDecoder, not
    /// JSONSerialization: on Linux the latter does not read every double back exactly.)
    public static func readParameters(atPath path: String) throws -> [(name: String, rows: [[Double]])] {
        let data = Data(try FileSystem.readRegular(path))
        let object = try JSONDecoder().decode([String: [[Double]]].self, from: data)
        let layers = object.count / 2
        return try (0..<layers).flatMap { l in
            try ["W\(l + 1)", "b\(l + 1)"].map { name in
                guard let rows = object[name] else { throw Diagnostic("'\(path)' has no matrix \(name)") }
                return (name, rows)
            }
        }
    }

    public static func readManifest(inFolder folder: String) -> Manifest? {
        read(Manifest.self, at: folder + "/" + RunFile.manifest)
    }

    public static func readMetrics(inFolder folder: String) -> Metrics? {
        read(Metrics.self, at: folder + "/" + RunFile.metrics)
    }

    private static func read<T: Decodable>(_ type: T.Type, at path: String) -> T? {
        // Never a FIFO or a device (it would hang or spin), only a regular file.
        guard let bytes = try? FileSystem.readRegular(path, atMost: 64 << 20) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(bytes))
    }
}
