#!/bin/sh
# make reproduce: trains the course's two cat models with the given dnn-run and compares their
# costs and accuracies with the numbers the course's notebook printed (course_numbers.tsv).
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

echo "Training the course's two cat models with $bin (into a temporary folder):"
for spec in cat_2layer cat_5layer; do
    "$bin" "$here/$spec.yaml" --results "$dir" --quiet
done
echo
echo "Against the costs and accuracies printed by the course's notebook \"Deep Neural Network for"
echo "Image Classification: Application\" (Neural Networks and Deep Learning, week 4), as recorded"
echo "with their source in $here/course_numbers.tsv; each value is compared at the decimals it is"
echo "printed with, at most 10."
awk -v results="$dir" -f "$here/course_compare.awk" "$here/course_numbers.tsv"
