#!/usr/bin/zsh -f
# zsh-complete.zsh [FPATH_DIR] LINE: types LINE and a TAB into a real interactive zsh (zpty, with
# compinit and zle, as a person's terminal would) and prints the words the command would have
# run with, one line: "breakwater au<TAB>" prints "audit". Used by packaging/check-deb.sh (the
# installed _breakwater) and cli.ZshCompletionTest (the checkout's). FPATH_DIR goes first on
# fpath; without it, the installed vendor-completions answer.
emulate -L zsh
setopt extendedglob
zmodload zsh/zpty || { print -u2 "zsh-complete: no zsh/zpty module"; exit 2; }
if (( $# == 2 )); then dir=$1; shift; else dir=; fi
line=$1
cmd=${line%% *}
zpty shell zsh -f -i
# The command is a function printing its arguments, so nothing real runs; compdef binds by name.
zpty -w shell "PS1='%% '; fpath=(${dir:+${(q)dir}} \$fpath); autoload -U compinit; compinit -u -D;"\
" $cmd() { print -r -- \"WO\"\"RDS:[\$*]\" }"
zpty -w -n shell "$line"$'\t'
sleep 1
zpty -w -n shell $'\r'
out=
for i in {1..50}; do
  zpty -r -t shell chunk && out+=$chunk
  if [[ $out == *WORDS:\[*\]* ]]; then break; fi
  sleep 0.2
done
zpty -d shell
if [[ $out == (#b)*WORDS:\[([^\]]#)\]* ]]; then
  print -r -- $match[1]
else
  print -u2 "zsh-complete: no answer from the shell for '$line'"
  exit 1
fi
