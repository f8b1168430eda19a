#!/bin/sh
# Render what people actually look at, so it can be looked at rather than only asserted:
#   docs/report.png        the HTML report in headless Chromium at phone width
#   docs/summary-80.png    `riskreg summary` in a real 80-column terminal (tmux), photographed
#   docs/summary-80.txt    the same capture as text, to diff
#   docs/summary-120.*     the same at 120 columns
#   docs/show-80.*         `riskreg show` of one entry, its history in words, at 80 columns
#   docs/tui-zh.svg        the desk (`riskreg tui`) at 100×30, saved by Textual ($TUI_PYTHON: a Python with riskreg)
# Needs Debian's chromium (apt-get install -y chromium fonts-noto-cjk), tmux, and
# a Python with rich ($PYTHON, default python3) for the terminal pages.
# Builds a demo register with Chinese names in a temporary directory; touches no real register.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
docs="$here/docs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$docs"

riskreg=${RISKREG:-riskreg}
python=${PYTHON:-python3}
export RISKREG_DB="$work/register.db" RISKREG_ACTOR=demo XDG_CONFIG_HOME="$work/config" RISKREG_LANG=zh
r() { "$riskreg" "$@"; }

# --- a month on a town ledger ---------------------------------------------
r init >/dev/null
day() { date -d "2026-06-01 + $1 days" +%F; }
add() { r --as-of "$(day "$1")" add "$2" --title "$3" --unit "$4" --level "$5"; }
a=$(add 0 S03 "某工地拖欠农民工工资，电话13912345678" 东村 significant)
b=$(add 1 P01 "老旧小区燃气管道腐蚀" 南社区 major)
c=$(add 2 H02 "后山坡体裂缝，汛期有滑坡风险" 西村 significant)
d=$(add 4 G01 "退役军人待遇诉求" 北社区 general)
e=$(add 6 S01 "宅基地边界纠纷" 东村 general)
f=$(add 9 P03 "农贸市场消防通道堵塞" 南社区 low)
g=$(add 12 H01 "危化品仓库超量储存" 工业园社区 major)
h=$(add 15 S05 "征地补偿分配争议" 西村 significant)
i=$(add 18 G02 "长期信访：医疗纠纷" 北社区 general)
r --as-of "$(day 1)" assign "$a" --leader 王明 --task-force 劳资纠纷专班 --plan "约谈企业，限期清偿" --due "$(day 20)" >/dev/null
r --as-of "$(day 2)" assign "$b" --leader 李强 --task-force 燃气整治专班 --plan "分段更换管道" --due "$(day 45)" >/dev/null
r --as-of "$(day 3)" assign "$c" --leader 赵刚 --task-force 地灾防治专班 --plan "监测、排危、搬迁" --due "$(day 14)" >/dev/null
r --as-of "$(day 5)" assign "$d" --leader 陈静 --task-force 退役军人服务专班 --plan "政策解释，落实待遇" --due "$(day 25)" >/dev/null
r --as-of "$(day 8)" assign "$e" --leader 刘洋 --task-force 调解专班 --plan "现场勘界，调解" --due "$(day 16)" >/dev/null
r --as-of "$(day 13)" assign "$g" --leader 周敏 --due "$(day 20)" >/dev/null
r --as-of "$(day 10)" mitigate "$c" --measures "专人盯守，雨天撤离" >/dev/null
r --as-of "$(day 17)" close "$e" --verified-by 综治中心 --resolution "双方签订调解协议" >/dev/null
r --as-of "$(day 24)" close "$d" --verified-by 退役军人服务站 --resolution "待遇已落实" >/dev/null
r --as-of "$(day 26)" assign "$h" --leader 孙伟 --task-force 征地专班 --plan "公开分配方案" --due "$(day 40)" >/dev/null
r --as-of "$(day 27)" note "$i" "已约见信访人" >/dev/null
as_of=$(day 30)

# --- the HTML report, photographed at phone width -----------------------------
photograph() {  # page.html width height out.png
  if ! command -v chromium >/dev/null; then echo "skipped $4: no chromium (the .txt captures are still written)"; return; fi
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --disable-component-update --disable-sync --user-data-dir="$(mktemp -d -p "$work")" \
    --hide-scrollbars --force-device-scale-factor=1 --window-size="$2,$3" \
    --screenshot="$4" "file://$1" 2>/dev/null
  echo "wrote $4"
}
r --as-of "$as_of" report --format html --output "$work/report.html"
photograph "$work/report.html" 430 2250 "$docs/report.png"

# --- the terminal in a real terminal (tmux) -------------------------------------
capture() {  # name width riskreg-arguments…: docs/NAME.txt, and .png when chromium is there
  name=$1 width=$2
  shift 2
  session="riskreg-shot-$$-$name"
  tmux new-session -d -s "$session" -x "$width" -y 200 \
    "env RISKREG_DB='$RISKREG_DB' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' TZ=Asia/Shanghai $riskreg --lang zh $*; sleep 5"
  sleep 4  # the command runs in the session; a loaded machine needs the time
  tmux capture-pane -p -e -t "$session" -S 0 -E 199 > "$work/$name.ansi"
  tmux capture-pane -p -t "$session" -S 0 -E 199 | sed -e 's/[[:space:]]*$//' | awk 'NF {blank=0} !NF {blank++} blank < 2' > "$docs/$name.txt"
  tmux kill-session -t "$session"
  echo "wrote $docs/$name.txt"
  lines=$(wc -l < "$docs/$name.txt")
  "$python" "$here/scripts/terminal_html.py" "$work/$name.ansi" "$width" > "$work/$name.html"
  # Noto Sans Mono CJK at 15px: a cell is 7.5px wide, a line 20.25px high; 28px and 24px of padding
  photograph "$work/$name.html" $((width * 15 / 2 + 28)) $((lines * 81 / 4 + 24)) "$docs/$name.png"
}
for width in 80 120; do
  capture "summary-$width" "$width" --as-of "$as_of" summary
done

# --- one entry's life, told by `show` -------------------------------------------
r --as-of "$(day 28)" regrade "$a" --level major --reason "欠薪人数增至40人" >/dev/null
r --as-of "$(day 29)" close "$a" --verified-by 李华 --resolution "工资已全部支付，工人签字确认" >/dev/null
capture show-80 80 --as-of "$as_of" show "$a"

# --- the desk, as Textual draws it ----------------------------------------------
"${TUI_PYTHON:-$python}" "$here/scripts/tui_screenshot.py" "$as_of" "$docs/tui-zh.svg"
