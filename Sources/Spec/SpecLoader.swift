import FoundationEssentials
import Glibc

import Support
import Data

/// The spec stage: a spec file and overrides in, a validated `Sweep` out.
///
///     let plan = try SpecLoader.load(path: "experiments/cat_5layer.yaml", overrides: [
///         SpecOverride("training.learning_rate=0.01", at: .flag("--set training.learning_rate=0.01"))])
///     for point in plan.points { ... point.spec, point.folderName ... }
public enum SpecLoader {
    /// The most points a sweep may expand to.
    public static let maxPoints = 100_000

    /// Reads, parses and validates the spec at `path`, applies `overrides`, expands the
    /// sweep and validates every point.
    ///
    /// - Parameters:
    ///   - path: the spec file; errors name it as given, `ExperimentSpec.specPath` holds
    ///     it made absolute. Relative data paths in it start at its folder.
    ///   - overrides: `KEY=VALUE` overrides (see `SpecOverride`). A swept KEY is taken
    ///     out of its sweep axis (a list, a range, a paired group, the random block, whose
    ///     other keys keep their draws) and has the one value. Relative data paths in VALUE start at
    ///     `workingDirectory`. For the same KEY twice, the last wins.
    ///   - workingDirectory: where relative paths given on the command line start.
    ///   - checksDataFiles: whether each data file must exist and be readable; false reads
    ///     a spec for its values only (`values(ofResolvedSpecAt:)`).
    /// - Throws: `Diagnostics` holding every problem found, in file order.
    public static func load(
        path: String, overrides: [SpecOverride] = [],
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        limits: YAMLLimits = YAMLLimits(), checksDataFiles: Bool = true
    ) throws(Diagnostics) -> Sweep {
        let specPath = PathNames.normalized(path, relativeTo: workingDirectory)
        let bytes = try readSpecFile(named: path, at: specPath, limits: limits)
        return try load(
            bytes: bytes, file: path, overrides: overrides, workingDirectory: workingDirectory, limits: limits,
            checksDataFiles: checksDataFiles)
    }

    /// Parses and validates the spec text `bytes` as if read from the file `file`, as
    /// `load(path:overrides:workingDirectory:limits:)` does once it has read the file; for
    /// specs that do not come from a file, and for the fuzz target.
    ///
    /// - Parameter file: the name errors give; made absolute against `workingDirectory`,
    ///   its folder is where relative data paths start. The file itself is not read.
    public static func load(
        bytes: [UInt8], file: String, overrides: [SpecOverride] = [],
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        limits: YAMLLimits = YAMLLimits(), checksDataFiles: Bool = true
    ) throws(Diagnostics) -> Sweep {
        let specPath = PathNames.normalized(file, relativeTo: workingDirectory)
        let root = try parseDocument(bytes, named: file, limits: limits)
        var diagnostics: [Diagnostic] = []
        let sets = overrides.compactMap { override($0, limits: limits, into: &diagnostics) }
        var axes = SweepGrammar.axes(of: root["sweep"], into: &diagnostics)
        var tree = root.removing(key: "sweep")
        for set in sets {
            axes = axes.compactMap { $0.removing(key: set.key) }
            tree = tree.setting(set.value, at: set.key.split(separator: ".").map(String.init)[...])
        }
        let validator = SpecValidator(
            specPath: specPath, workingDirectory: workingDirectory, checksDataFiles: checksDataFiles)
        let points = expand(
            tree, axes: axes, setKeys: sets.map(\.key), sweepLocation: root["sweep"]?.location,
            validator: validator, into: &diagnostics)
        diagnostics += validator.diagnostics
        if diagnostics.isEmpty { diagnostics += duplicateValues(in: axes, of: points) }
        let (inapplicable, notes) = diagnostics.isEmpty ? applicability(of: points) : ([], [])
        diagnostics += inapplicable
        guard diagnostics.isEmpty, !points.isEmpty else { throw Diagnostics(inFileOrder(diagnostics)) }
        var sweep = Sweep(points: points)
        sweep.notes = notes
        return sweep
    }

    // MARK: Reading

    /// The bytes of the spec file at `path` (named `name` in errors): a regular file of
    /// at most `limits.maxInputBytes`, checked as `FileSystem.readRegularFile` reads it.
    private static func readSpecFile(
        named name: String, at path: String, limits: YAMLLimits
    ) throws(Diagnostics) -> [UInt8] {
        let limit = limits.maxInputBytes
        let sizeHint = "a spec is a few lines of YAML; check that this is the right file"
        let (message, hint): (String, String?)
        do {
            return try FileSystem.readRegularFile(at: path, atMost: limit)
        } catch {
            switch error {
            case .cannotOpen(let code) where code == .noSuchFileOrDirectory || code == .notDirectory:
                (message, hint) = ("no such spec file: \(path)", nil)
            case .cannotOpen(let code): (message, hint) = ("cannot open the spec file \(path): \(code)", "check its permissions")
            case .cannotStat(let code): (message, hint) = ("cannot read the spec file \(path): \(code)", nil)
            case .isDirectory: (message, hint) = ("\(path) is a directory, not a spec file", nil)
            case .notRegularFile:
                (message, hint) = ("\(path) is not a spec file but a FIFO, socket or device", "save the spec to a file")
            case .statedSize(let size):
                (message, hint) = ("the spec file is \(size) bytes; at most \(limit) are accepted", sizeHint)
            case .tooLarge: (message, hint) = ("the spec file is over \(limit) bytes; at most \(limit) are accepted", sizeHint)
            case .cannotRead(let code): (message, hint) = ("cannot read the spec file \(path): \(code)", "check its permissions")
            }
        }
        throw Diagnostics([Diagnostic(message, at: .file(path: name, line: 1, column: 1), hint: hint)])
    }

    /// Everything `descriptor` yields until its end, up to `limit` bytes and one more;
    /// see `FileSystem.readAll`.
    static func readAll(_ descriptor: Int32, atMost limit: Int) -> BoundedRead {
        FileSystem.readAll(.init(rawValue: descriptor), atMost: limit)
    }

    private static func parseDocument(
        _ bytes: [UInt8], named name: String, limits: YAMLLimits
    ) throws(Diagnostics) -> YAMLNode {
        let root: YAMLNode?
        do { root = try YAMLParser.parse(bytes, file: name, limits: limits) } catch { throw Diagnostics([error]) }
        guard let root, !root.isNull else {
            throw Diagnostics([
                Diagnostic(
                    "the spec is empty; expected a mapping with name, data, model, training",
                    at: .file(path: name, line: 1, column: 1), hint: "see experiments/cat_5layer.yaml for an example")
            ])
        }
        return root
    }

    // MARK: Overrides

    /// One override, its value parsed as YAML and located where it was given.
    private struct Override {
        var key: String
        var value: YAMLNode
    }

    /// Messages name the override's flag only through its location: "--set expects
    /// KEY=VALUE" when the command line gave it as `.flag("--set ...")`.
    private static func override(
        _ given: SpecOverride, limits: YAMLLimits, into diagnostics: inout [Diagnostic]
    ) -> Override? {
        let (argument, location) = (given.text, given.location)
        let source = location.flagName ?? "an override"
        guard let equals = argument.firstIndex(of: "=") else {
            diagnostics.append(
                Diagnostic(
                    "\(source) expects KEY=VALUE, got '\(argument)'", at: location,
                    hint: "e.g. \(location.flagName.map { "\($0) " } ?? "")training.learning_rate=0.01"))
            return nil
        }
        let key = String(argument[..<equals])
        guard SpecSchema.assignableKeys.contains(key) else {
            diagnostics.append(unknownAssignableKey(key, at: location, context: source))
            return nil
        }
        do {
            let text = Array(argument[argument.index(after: equals)...].utf8)
            let parsed = try YAMLParser.parse(text, file: location.description, limits: limits)
            let value = parsed ?? YAMLNode(.scalar(YAMLScalar("", isPlain: true)), at: location)
            return Override(key: key, value: value.relocated(to: location))
        } catch {
            diagnostics.append(
                Diagnostic(
                    "\(key): \(error.message) (in the value after '=')", at: location, key: key, hint: error.hint))
            return nil
        }
    }

    static func unknownAssignableKey(_ key: String, at location: SourceLocation, context: String) -> Diagnostic {
        if (SpecSchema.keys.filter { !$0.isAssignable }.map(\.key) + ["sweep"]).contains(key) {
            let why = key == "name" ? ": it names the results folder, so every run of the spec would change folder" : ""
            return Diagnostic(
                "\(context) cannot change '\(key)'\(why)", at: location, key: key,
                hint: "\(key) cannot be assigned by \(context); edit the spec (or a copy of it)")
        }
        let hint =
            Suggestion.nearest(to: key, among: SpecSchema.assignableKeys).map { "did you mean '\($0)'?" }
                ?? "\(context) accepts \(SpecSchema.assignableKeys.joined(separator: ", "))"
        return Diagnostic("unknown key '\(key)' for \(context)", at: location, key: key, hint: hint)
    }

    // MARK: Sweep

    /// Every point of the sweep, the product of its axes in the order written, the last
    /// varying fastest; each validated, the validator collecting the problems. A sweep
    /// over `maxPoints` is reported and only its first point is checked.
    private static func expand(
        _ tree: YAMLNode, axes: [SweepAxis], setKeys: [String], sweepLocation: SourceLocation?,
        validator: SpecValidator, into diagnostics: inout [Diagnostic]
    ) -> [SweepPoint] {
        let (count, overflow) = axes.reduce((1, false)) { product, axis in
            let (next, overflow) = product.0.multipliedReportingOverflow(by: axis.count)
            return (next, product.1 || overflow)
        }
        var axes = axes
        if overflow || count > maxPoints {
            diagnostics.append(
                Diagnostic(
                    "the sweep expands to more than \(maxPoints) points", at: sweepLocation, key: "sweep",
                    hint: "sweep fewer keys or values, or split the sweep into several specs"))
            axes = axes.map(\.first)
        }
        let assignedKeys = Set(axes.flatMap(\.keys) + setKeys).sorted()
        let paths = axes.map { $0.keys.map { $0.split(separator: ".").map(String.init)[...] } }
        return gridIndices(axes.map(\.count)).compactMap { indices in
            var point = tree
            for (axisIndex, index) in indices.enumerated() {
                for (path, value) in zip(paths[axisIndex], axes[axisIndex].rows[index]) {
                    point = point.setting(value, at: path)
                }
            }
            guard let spec = validator.spec(from: point) else { return nil }
            let assignments = assignedKeys.map { key in
                Assignment(key: key, value: spec.canonicalValue(of: key, written: value(at: key, in: point)))
            }
            return SweepPoint(assignments: assignments, spec: spec)
        }
    }

    /// The grid's index tuples, the last varying fastest; one empty tuple for no axes.
    private static func gridIndices(_ counts: [Int]) -> [[Int]] {
        counts.reduce([[]]) { prefixes, count in prefixes.flatMap { prefix in (0..<count).map { prefix + [$0] } } }
    }

    private static func value(at key: String, in tree: YAMLNode) -> YAMLNode? {
        key.split(separator: ".").reduce(tree) { node, part in node?[String(part)] }
    }

    /// Two positions of one axis with the same canonical values would run the same point
    /// twice, into the same folder; reported at the second.
    private static func duplicateValues(in axes: [SweepAxis], of points: [SweepPoint]) -> [Diagnostic] {
        var stride = points.count
        var diagnostics: [Diagnostic] = []
        for axis in axes {
            stride /= axis.count
            var seen: [[String]: Int] = [:]
            var repeats: [(index: Int, first: Int, values: [String])] = []
            for index in 0..<axis.count {
                let assignments = points[index * stride].assignments
                let values = axis.keys.map { key in assignments.first { $0.key == key }?.value ?? "" }
                if let first = seen[values] {
                    repeats.append((index, first, values))
                } else {
                    seen[values] = index
                }
            }
            // Random points that repeat are one problem (the draws), reported once.
            for found in axis.kind == .random ? Array(repeats.prefix(1)) : repeats {
                diagnostics.append(axis.duplicate(found.index, of: found.first, values: found.values, repeats: repeats.count))
            }
        }
        return diagnostics
    }

    // MARK: Reporting

    /// Without repeats (a problem shared by several sweep points is reported once), file
    /// locations by line and column, then command-line flags in the order given.
    private static func inFileOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        let unique = diagnostics.uniqued()
        func rank(_ diagnostic: Diagnostic) -> (Int, Int, Int) {
            switch diagnostic.location {
            case .file(_, let line, let column)?: return (1, line, column)
            case .flag?: return (2, 0, 0)
            case nil: return (0, 0, 0)
            }
        }
        return unique.enumerated().sorted { a, b in
            let (ra, rb) = (rank(a.element), rank(b.element))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }
}
