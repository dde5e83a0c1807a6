#!/bin/sh
# make reproduce: trains the course's two cat models and the optimization runs of its second part
# (course2/) with the given dnn-run and compares their costs, learning rates and accuracies with
# the numbers the course's notebooks printed (course_numbers.tsv).
#
#   sh experiments/reproduce.sh .build/release/dnn-run
#
# The runs go to a fresh temporary folder, removed afterwards: the check always exercises the
# binary given (a completed run in results/ would be "up to date" whichever build made it) and
# never touches results/. Exit status: 0 every compared digit agrees, 1 one differs or a run
# failed, 2 bad usage or input.
set -eu

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: sh experiments/reproduce.sh DNN_RUN   (the dnn-run executable, e.g. .build/release/dnn-run)" >&2
    exit 2
fi
bin=$1
here=$(dirname "$0")

dir=$(mktemp -d "${TMPDIR:-/tmp}/dnn-run-reproduce.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

echo "Training the course's two cat models and its optimization runs with $bin (into a temporary folder):"
for spec in cat_2layer cat_5layer; do
    "$bin" "$here/$spec.yaml" --results "$dir" --quiet
done
for spec in opt_gd opt_mom opt_adam dec_inv dec_stair dec_stair_mom dec_stair_adam; do
    "$bin" "$here/course2/$spec.yaml" --results "$dir" --quiet
done
echo
echo "Against the costs and accuracies printed by the course's notebooks \"Deep Neural Network for"
echo "Image Classification: Application\" (Neural Networks and Deep Learning, week 4) and \"Optimization"
echo "Methods\" (Improving Deep Neural Networks, week 2), as recorded with their sources in"
echo "$here/course_numbers.tsv; each value is compared at the decimals it is printed with, at most 10."
awk -v results="$dir" -f "$here/course_compare.awk" "$here/course_numbers.tsv"
