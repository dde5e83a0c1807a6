import Data
import Foundation
import Glibc
import Support

// Times dnn-run's loading of one data file in this process, as training loads it
// (`Dataset(contentsOf:scale:)`: read once, hashed, parsed into the (n_x, m) float64
// matrix), so that it compares with pandas.read_csv or h5py timed inside Python
// (Benchmarks/bench_load.py). Prints each repetition, the best, and the peak RSS.
//
//     load-bench FILE [--no-header] [--scale 255] [--reps 3]

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    defer { arguments.removeSubrange(i...(i + 1)) }
    return arguments[i + 1]
}
func flag(_ name: String) -> Bool {
    guard let i = arguments.firstIndex(of: name) else { return false }
    arguments.remove(at: i)
    return true
}
let header = !flag("--no-header")
let scale = Double(option("--scale") ?? "1") ?? 1
let reps = Int(option("--reps") ?? "3") ?? 3
guard arguments.count == 1 else {
    FileHandle.standardError.write("usage: load-bench FILE [--no-header] [--scale S] [--reps N]\n".data(using: .utf8)!)
    exit(2)
}
let path = PathNames.absolute(arguments[0])
let split = DataSplit(path: path, format: DataSplit.format(ofPath: path), header: header)

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
var best = Double.infinity
for rep in 1...reps {
    let start = seconds()
    let data: Dataset
    do {
        data = try Dataset(contentsOf: split, scale: scale)
    } catch {
        FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
        exit(1)
    }
    let elapsed = seconds() - start
    best = min(best, elapsed)
    print(String(format: "load %d: %.3f s (%d x %d)", rep, elapsed, data.features, data.examples))
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print(String(format: "best %.3f s, peak RSS %.0f MB", best, Double(usage.ru_maxrss) / 1024))
