import FoundationEssentials
import Glibc
import Spec
import Support

/// Moves the run of a results format 2 tree, where the spec as written ran in the experiment
/// folder `results/<name>/` itself, into its point folder `results/<name>/default/`, so that
/// a folder is either an experiment or a run, never both (replacing the run then never
/// touches the experiment's other runs). Nothing is retrained and the run's identity does
/// not change: its files move as they are, but for `spec.yaml`, whose relative data paths
/// gain a `../` for the new depth, and `manifest.json`, whose record of spec.yaml follows.
///
/// A folder cannot be renamed into its own child, so the move takes steps, each of which
/// a crash leaves recoverable (the next run finishes the move):
///
/// 1. make `results/<name>/.moving-default/`;
/// 2. move each file of the run into it (spec.yaml written there anew, then removed from
///    the experiment folder), manifest.json last: while it is still in the experiment
///    folder, the move is not done;
/// 3. rename `.moving-default/` to `default/`.
public enum LayoutMigration {
    /// The point folder of the spec as written.
    public static let pointName = "default"
    /// Where a move of an old plain run gathers its files.
    static let movingName = ".moving-default"

    /// The folder holding the manifest of an old-layout run in `experiment` (the experiment
    /// folder itself or the move's folder), nil when there is none.
    static func oldRunFolder(in experiment: String) -> String? {
        let moving = experiment + "/" + movingName
        if RunFolder.isRunFolder(moving) { return moving }
        if RunFolder.isRunFolder(experiment) { return experiment }
        return nil
    }

    /// Whether `experiment` holds an old-layout run, or a move of one that a crash stopped.
    static func isNeeded(in experiment: String) -> Bool {
        RunFolder.isRunFolder(experiment) || (try? FileSystem.linkStatus(of: experiment + "/" + movingName)) != nil
    }

    /// Moves the old-layout run in `experiment` (if there is one) into `default/`, holding
    /// its lock of either layout, so that no dnn-run of either version writes it meanwhile.
    /// - Returns: what was done, for the user; nil when there was nothing to move.
    /// - Throws: `Diagnostic` when a step cannot be made (the tree is left recoverable).
    public static func migrate(experiment: String) throws -> String? {
        guard isNeeded(in: experiment) else { return nil }
        let target = experiment + "/" + pointName
        guard let oldLock = try RunFolder.lock(experiment, wait: true) else { return nil }
        defer { oldLock.release() }
        guard let newLock = try RunFolder.lock(target, wait: true) else { return nil }
        defer { newLock.release() }
        guard isNeeded(in: experiment) else { return nil }  // moved by another process meanwhile
        let shown = PathNames.relativeToWorkingDirectory(experiment)
        if (try? FileSystem.linkStatus(of: target)) != nil {
            throw Diagnostic(
                "'\(shown)' holds a run of the old layout (results format 2) and also a folder '\(pointName)'; the run cannot be moved into it",
                hint: "move '\(PathNames.relativeToWorkingDirectory(target))' away, or the old run's files out of '\(shown)', and run again")
        }
        let moving = experiment + "/" + movingName
        do {
            if (try? FileSystem.linkStatus(of: moving)) == nil { try FileSystem.makeDirectory(moving) }
            guard (try? FileSystem.linkStatus(of: moving))?.type == .directory else {
                throw FileError("cannot move the old run into", moving, reason: "it is not a folder; move it away")
            }
            var note = ""
            if !RunFolder.isRunFolder(moving) {
                guard let manifest = RunFiles.readManifest(inFolder: experiment) else {
                    throw FileError("cannot move the old run of", experiment, reason: "its manifest.json cannot be read")
                }
                note = try moveFiles(of: manifest, from: experiment, to: moving, target: target)
            }
            // manifest.json is in its new place: the old one goes, then the folder moves.
            if RunFolder.isRunFolder(experiment) { try FileSystem.removeFile(experiment + "/" + RunFile.manifest) }
            try FileSystem.rename(moving, to: target)
            FileSystem.syncDirectory(experiment)
            return "moved the run of '\(shown)' (results format 2 layout) into '\(PathNames.relativeToWorkingDirectory(target))': "
                + "an experiment folder now holds only runs; nothing was retrained and its identity is unchanged" + note
        } catch let error as FileError {
            throw Diagnostic(error, hint: "fix that and run again: the next run finishes the move (" + AtomicFile.failureHint + ")")
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        }
    }

    /// Step 2: every file of the run but its manifest, then the manifest.
    private static func moveFiles(
        of manifest: Manifest, from experiment: String, to moving: String, target: String
    ) throws(FileError) -> String {
        let listed = (manifest.files ?? []).map(\.name).filter(isPlainName)
        var names: [String] = []
        for name in listed + [RunFile.spec, RunFile.costs, RunFile.parameters, RunFile.metrics] where !names.contains(name) {
            names.append(name)
        }
        var note = ""
        for name in names where name != RunFile.manifest {
            let source = experiment + "/" + name, destination = moving + "/" + name
            guard (try? FileSystem.linkStatus(of: source))?.type == .regular else { continue }
            if (try? FileSystem.linkStatus(of: destination)) == nil {
                if name == RunFile.spec {
                    let kept = try writeSpec(from: source, to: destination, oldFolder: experiment, newFolder: target)
                    if kept { note = "; its spec.yaml was kept as written (its data paths are not dnn-run's form), so `verify` may need --data" }
                    try FileSystem.removeFile(source)
                } else {
                    try FileSystem.rename(source, to: destination, operation: "cannot move")
                }
            } else if name == RunFile.spec {
                try FileSystem.removeFile(source)  // written there before a crash
            }
        }
        var moved = manifest
        if let written = try? fileRecord(moving + "/" + RunFile.spec) {
            moved.files = moved.files?.map { $0.name == RunFile.spec ? FileRecord(name: RunFile.spec, written) : $0 }
        }
        do {
            try AtomicFile.write(RunFiles.jsonText(moved), to: moving + "/" + RunFile.manifest)
        } catch {
            throw FileError("cannot write", moving + "/" + RunFile.manifest, reason: "\(error)")
        }
        return note
    }

    /// Writes spec.yaml for the run's new depth: the spec read back and written with data
    /// paths relative to `newFolder`, when reading it back with paths relative to the old
    /// folder gives exactly its bytes (dnn-run wrote it); otherwise its bytes unchanged.
    /// - Returns: whether the bytes were kept unchanged.
    private static func writeSpec(
        from source: String, to destination: String, oldFolder: String, newFolder: String
    ) throws(FileError) -> Bool {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readRegularFile(at: source, atMost: 16 << 20)
        } catch {
            throw FileError("cannot read", source, reason: "\(error)")
        }
        var text = String(decoding: bytes, as: UTF8.self)
        var kept = true
        if let spec = try? SpecLoader.load(bytes: bytes, file: source, checksDataFiles: false).base,
           spec.resolvedYAML(dataPathsRelativeTo: oldFolder) == text {
            text = spec.resolvedYAML(dataPathsRelativeTo: newFolder)
            kept = false
        }
        do {
            try AtomicFile.write(text, to: destination)
        } catch {
            throw FileError("cannot write", destination, reason: "\(error)")
        }
        return kept
    }

    private static func fileRecord(_ path: String) throws -> WrittenFile {
        let bytes = try FileSystem.readRegularFile(at: path, atMost: 16 << 20)
        var hash = SHA256()
        hash.update(bytes)
        return WrittenFile(bytes: bytes.count, sha256: hash.finalizeHex())
    }

    /// A file name of the run's own: no folder, not `.` or `..`.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }
}
