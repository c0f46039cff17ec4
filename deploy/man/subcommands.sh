#!/bin/sh
# Writes a help2man include file: a COMMANDS section with the --help of each
# of PROGRAM's subcommands, then the hand-written sections of EXTRA.
# Usage: subcommands.sh PROGRAM EXTRA OUTPUT SUBCOMMAND...
set -eu
program=$1 extra=$2 output=$3
name=$(basename "$program")
shift 3
{
  echo '[COMMANDS]'
  for command in "$@"; do
    echo ".SS \"$name $command\""
    echo '.nf'
    # Run by name, so that usage lines say "bannerc", not the build path.
    # roff: a backslash is \e; a line may not start with . or '
    PATH="$(dirname "$program"):$PATH" "$name" "$command" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo '.fi'
  done
  cat "$extra"
} > "$output.tmp"
mv "$output.tmp" "$output"
