import Runs
import Support

/// Where `predict -o FILE` may write: never over one of its inputs (an image, a set, or
/// the same file through a hard or symbolic link or another spelling) and never into a
/// run folder (its files are what the run wrote; a file added there would be taken for
/// one of them). Files are compared by device and inode, folders by their real path.
public enum PredictionOutput {
    /// - Throws: `Diagnostic` at `-o FILE` (exit status 2; nothing is read or written yet).
    public static func check(_ output: String, inputs: [String], runFolder: String) throws(Diagnostic) {
        let location = SourceLocation.flag("-o \(output)")
        if let target = FileSystem.identity(of: output) {
            for input in inputs where FileSystem.identity(of: input) == target {
                throw Diagnostic(
                    "is the input '\(PathNames.relativeToWorkingDirectory(PathNames.absolute(input)))'; "
                        + "writing the predictions there would overwrite it",
                    at: location, hint: "name a new file for the predictions, e.g. -o predictions.csv")
            }
        }
        // The folder the file goes in, and every folder above it: none may be a run folder.
        guard var folder = FileSystem.realPath(PathNames.parent(of: PathNames.absolute(output))) else {
            return  // a missing folder: the write reports it (exit status 1)
        }
        let run = FileSystem.realPath(PathNames.absolute(runFolder))
        while true {
            if folder == run || FileSystem.exists(folder + "/" + RunFile.manifest) {
                throw Diagnostic(
                    "is inside the run folder '\(PathNames.relativeToWorkingDirectory(folder))'; "
                        + "a run folder holds only the files its run wrote",
                    at: location, hint: "write the predictions outside the results tree, e.g. -o predictions.csv")
            }
            let parent = PathNames.parent(of: folder)
            if parent == folder || parent.isEmpty { return }
            folder = parent
        }
    }
}
