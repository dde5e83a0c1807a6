# Compares dnn-run's runs with the numbers the course's notebook printed (make reproduce).
#
#   awk -v results=DIR -f experiments/course_compare.awk experiments/course_numbers.tsv
#
# For every row of course_numbers.tsv (model, quantity, iteration, value as printed) it reads
# DIR/<model>/default/costs.csv and metrics.json (the spec as written) and prints the course's value, dnn-run's
# value printed the same way (as many decimals, or every digit where the notebook printed
# every digit), the decimals compared (those printed, at most 10: see course_numbers.tsv) and
# the difference. Exit status: 0 every value agrees to its compared decimals, 1 one does not,
# 2 a file is missing or malformed. POSIX awk (Debian's mawk is enough).

BEGIN {
    FS = "\t"
    maxDecimals = 10      # see "Precision" in course_numbers.tsv
    everyDigit = 12       # more printed decimals than this: Python printed every digit (repr)
    if (results == "") fail("usage: awk -v results=DIR -f course_compare.awk course_numbers.tsv")
    total = 0; differing = 0; model = ""
}

/^#/ || /^[ \t]*$/ { next }

{
    if (NF != 4) fail(FILENAME ":" FNR ": expected 4 tab-separated fields (model, quantity, iteration, value), found " NF)
    if ($1 != model) { if (model != "") footer(); startModel($1) }
    if ($2 == "cost") {
        if ($3 !~ /^[0-9]+$/) fail(FILENAME ":" FNR ": the iteration of a cost must be a whole number, found '" $3 "'")
        label = "cost at iteration " $3
        ours = ($3 in cost) ? cost[$3] : ""
    } else if ($2 == "learning_rate") {
        if ($3 !~ /^[0-9]+$/) fail(FILENAME ":" FNR ": the iteration of a learning rate must be a whole number, found '" $3 "'")
        label = "rate after pass " $3
        ours = ($3 in rate) ? rate[$3] : ""
    } else if ($2 == "train_accuracy" || $2 == "test_accuracy") {
        label = ($2 == "train_accuracy") ? "train accuracy" : "test accuracy"
        ours = metric[$2]
    } else {
        fail(FILENAME ":" FNR ": unknown quantity '" $2 "' (expected cost, learning_rate, train_accuracy or test_accuracy)")
    }
    if ($4 !~ /^[0-9]+(\.[0-9]+)?$/) fail(FILENAME ":" FNR ": the printed value must be a plain decimal number, found '" $4 "'")
    compare(label, $4, ours)
}

END {
    if (failed) exit 2
    if (model == "") fail(FILENAME ": no values to compare")
    footer()
    print ""
    if (differing == 0) {
        printf "dnn-run gives the course's numbers: all %d values agree to the compared decimals.\n", total
    } else {
        printf "dnn-run differs from the course: %d of %d values do not agree to the compared decimals (marked DIFFERS above).\n", differing, total
        exit 1
    }
}

function fail(message) {
    print "course_compare.awk: error: " message > "/dev/stderr"
    failed = 1
    exit 2
}

# Reads the run folder of `name` (results/<name>/default, the spec as written): costs.csv into cost[iteration], metrics.json into metric[key].
function startModel(name,    folder, path, line, fields, text, keys, i, key, n) {
    model = name; modelLargest = -1; modelCount = 0; modelDiffering = 0
    for (key in cost) delete cost[key]
    for (key in rate) delete rate[key]
    folder = results "/" name "/default"
    path = folder "/costs.csv"
    n = 0
    while ((status = (getline line < path)) > 0) {
        if (++n == 1) {
            if (line != "iteration,cost" && line != "iteration,cost,learning_rate")
                fail(path ": expected the header 'iteration,cost' or 'iteration,cost,learning_rate', found '" line "'")
            columns = split(line, fields, ",")
            continue
        }
        if (split(line, fields, ",") != columns) fail(path ":" n ": expected " columns " comma-separated fields, found '" line "'")
        cost[fields[1]] = fields[2]
        if (columns == 3) rate[fields[1]] = fields[3]
    }
    if (status < 0) fail("cannot read " path " (is " folder " a completed dnn-run run folder?)")
    close(path)
    path = folder "/metrics.json"
    text = ""
    while ((status = (getline line < path)) > 0) text = text line " "
    if (status < 0) fail("cannot read " path " (is " folder " a completed dnn-run run folder?)")
    close(path)
    split("train_accuracy test_accuracy", keys, " ")
    for (i = 1; i <= 2; i++) {
        # A run without a test set has "test_accuracy": null; a row asking for it says "(not recorded)".
        if (!match(text, "\"" keys[i] "\"[ ]*:[ ]*[-+0-9.eE]+")) { metric[keys[i]] = ""; continue }
        metric[keys[i]] = substr(text, RSTART, RLENGTH)
        sub(/^[^:]*:[ ]*/, "", metric[keys[i]])
    }
    print ""
    printf "%-24s  %-22s  %-22s  %8s  %10s\n", name, "course (printed)", "dnn-run (same format)", "decimals", "difference"
}

function compare(label, course, ours,    printed, decimals, shown, difference, agree) {
    printed = (index(course, ".") > 0) ? length(course) - index(course, ".") : 0
    decimals = (printed < maxDecimals) ? printed : maxDecimals
    total++; modelCount++
    if (ours == "") {
        agree = 0; shown = "(not recorded)"; difference = -1
    } else {
        shown = (printed > everyDigit) ? ours : sprintf("%." printed "f", ours + 0)
        agree = (sprintf("%." decimals "f", course + 0) == sprintf("%." decimals "f", ours + 0))
        difference = course - ours; if (difference < 0) difference = -difference
        if (difference > modelLargest) { modelLargest = difference; modelLargestLabel = label; modelLargestPrinted = printed }
    }
    if (!agree) { differing++; modelDiffering++ }
    printf "  %-22s  %-22s  %-22s  %8d  %10s%s\n", label, course, shown, decimals, formatDifference(difference), agree ? "" : "  DIFFERS"
}

function footer() {
    printf "  %s: %d of %d values agree", model, modelCount - modelDiffering, modelCount
    if (modelLargest >= 0) {
        printf "; largest difference %s (%s", formatDifference(modelLargest), modelLargestLabel
        if (modelLargestPrinted <= everyDigit)
            printf ", printed to %d decimals: the rounding alone allows %s", modelLargestPrinted, formatDifference(0.5 / 10 ^ modelLargestPrinted)
        printf ")"
    }
    print ""
}

function formatDifference(d) {
    if (d < 0) return "-"
    if (d == 0) return "0"
    return sprintf("%.1e", d)
}
