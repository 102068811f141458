# Reads CLI11 help texts (stacklint's --help and each subcommand's --help) and prints one
# tab-separated line per item, the single description of the command line that the man page and
# the shell completions are generated from:
#   about  <command>  <text>                       the command's one-line description
#   usage  <command>  <text>                       its Usage: line, without "Usage: "
#   sub    <command>  <name>  <description>        a subcommand (from the Subcommands: section)
#   pos    <command>  <name>  <type>  <description>
#   opt    <command>  <short> <long> <value> <choices> <description>
#          value: the value's type (TEXT, UINT) or "-" for a flag; choices: a,b,c or "-".
# <command> is "" for the main program, else the subcommand's name. Input: the variable
# `command` names the command whose help is read (one awk run per help text).
BEGIN { FS = "\n"; OFS = "\t"; section = ""; pending = "" }
function flush() {
  if (pending != "") print pending, desc
  pending = ""; desc = ""
}
function entry(line,    term, rest, parts, n, i, name, shortname, longname, value, choices) {
  # "  -f,--format TEXT:{a,b} ...   description": the term ends at the first run of 2+ spaces.
  sub(/^  /, "", line)
  if (match(line, /   */) && RSTART > 1 && substr(line, RSTART, 2) == "  ") {
    term = substr(line, 1, RSTART - 1); rest = substr(line, RSTART + RLENGTH)
  } else {
    term = line; rest = ""
  }
  n = split(term, parts, " ")
  if (section == "Subcommands") {
    flush(); pending = "sub" OFS command OFS parts[1]; desc = rest; return
  }
  if (section == "Positionals") {
    flush(); pending = "pos" OFS command OFS parts[1] OFS (n > 1 ? parts[2] : "-"); desc = rest
    return
  }
  shortname = "-"; longname = "-"; value = "-"; choices = "-"
  n = split(parts[1], names, ",")
  for (i = 1; i <= n; i++) {
    if (names[i] ~ /^--/) longname = names[i]; else if (names[i] ~ /^-/) shortname = names[i]
  }
  if (split(term, parts, " ") > 1 && parts[2] !~ /^\.\.\.$/) {
    value = parts[2]
    if (match(value, /:\{[^}]*\}/)) {
      choices = substr(value, RSTART + 2, RLENGTH - 3); value = substr(value, 1, RSTART - 1)
    }
    sub(/:.*/, "", value)
  }
  flush(); pending = "opt" OFS command OFS shortname OFS longname OFS value OFS choices; desc = rest
}
NR == 1 { print "about", command, $0; next }
/^Usage: / { sub(/^Usage: /, ""); print "usage", command, $0; next }
/^[A-Z][A-Za-z ]*:$/ { flush(); section = substr($0, 1, length($0) - 1); next }
/^$/ { next }
/^      / { sub(/^ +/, ""); desc = (desc == "" ? $0 : desc " " $0); next }
/^  [^ ]/ { entry($0); next }
END { flush() }
