#!/usr/bin/env bash
# The README's backup and restore, checked: on the benchmark PostgreSQL (pg-cluster.sh), caseyd on port 18090 is
# given a team member, a case with a message and a mail with a 300 kB attachment; the database is dumped with
# pg_dump -Fc, caseyd stopped, the dump restored into another database with pg_restore and caseyd started on that.
# Every read (cases, a case, its history, persons, outbox, inbound mail) must answer the same, the attachment
# byte for byte, and writes go on. Prints "SAME after restore" and the digests.
set -euo pipefail
cd "$(dirname "$0")/../.."
PG="su postgres -c"
T=bench-admin-token-0123456789
A=http://127.0.0.1:18090/api/casey/v1
H=(-H "Authorization: Bearer $T")
pg_ctlcluster 15 bench start || true
bench/scripts/pg-cluster.sh reset casey_src >/dev/null
start() { CASEY_PORT=18090 CASEY_DB_URL=jdbc:postgresql://127.0.0.1:55432/$1 bench/scripts/run-caseyd.sh >/dev/null; }
# the restored store is first looked at without sending anything (README)
start_quiet() { JAVA_OPTS="-Dcasey.outbox.workers=0" start "$1"; }
stop() { bench/scripts/stop-caseyd.sh >/dev/null 2>&1 || true; }
start casey_src
curl -sf "${H[@]}" -XPOST $A/persons -H 'Content-Type: application/json' -d '{"name":"Ben Foo","email":"ben@team.example","team":true}' >/dev/null
C=$(curl -sf "${H[@]}" -XPOST $A/cases -H 'Content-Type: application/json' -d '{"creator":{"name":"Some User","email":"some@example.org"},"subject":"Before the backup","message":"hello"}')
UUID=$(echo "$C" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
curl -sf "${H[@]}" -XPOST $A/case/$UUID/messages -H 'Content-Type: application/json' -d '{"from":"ben@team.example","message":"answer"}' >/dev/null
python3 - <<'PY' > bench/target/restore-mail.eml
import base64, os
data = os.urandom(300000)
open('bench/target/restore-attachment.bin','wb').write(data)
b = base64.encodebytes(data).decode().replace('\n','\r\n')
print("From: Mailer <mailer@example.org>\r\nTo: support@casey.bench\r\nSubject: With a file\r\nMessage-ID: <restore-1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=data.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b + "--b--\r\n", end='')
PY
M=$(curl -sf "${H[@]}" -XPOST $A/mail/inbound -H 'Content-Type: message/rfc822' --data-binary @bench/target/restore-mail.eml)
CASE2=$(echo "$M" | python3 -c 'import json,sys; print(json.load(sys.stdin)["case"])')
snapshot() {
  for path in "/cases?size=200" "/case/$UUID" "/case/$UUID/history" "/case/$CASE2" "/mail/outbox" "/persons" "/mail/inbound"; do
    curl -sf "${H[@]}" "$A$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); import hashlib; print(hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16])' | sed "s|^|$path |"
  done
  ATT=$(curl -sf "${H[@]}" "$A/case/$CASE2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["messages"][0]["attachments"][0]["attachmentId"])')
  curl -sf "${H[@]}" "$A/case/$CASE2/attachments/$ATT" | sha256sum | sed 's|^|attachment |'
}
snapshot > bench/target/restore-before.txt
sha256sum bench/target/restore-attachment.bin | sed 's|^|original |' >> bench/target/restore-before.txt
dump=$(mktemp -d)/casey_src.dump
chown postgres "$(dirname "$dump")"
time $PG "pg_dump -p 55432 -Fc -f $dump casey_src"
ls -l "$dump"
stop
bench/scripts/pg-cluster.sh reset casey_dst >/dev/null
time $PG "pg_restore -p 55432 --no-owner --role=casey -d casey_dst $dump"
start_quiet casey_dst
snapshot > bench/target/restore-after.txt
diff <(grep -v original bench/target/restore-before.txt) bench/target/restore-after.txt && echo "SAME after restore"
cat bench/target/restore-before.txt
# what would go out is listed, and one is marked sent without sending it
OUT=$(curl -sf "${H[@]}" "$A/mail/outbox" | python3 -c 'import json,sys; m=json.load(sys.stdin)["mails"]; print(len(m), m[0]["id"])')
echo "queued after the restore: ${OUT% *}"
curl -sf "${H[@]}" -XPOST "$A/mail/outbox/${OUT#* }/sent"; echo
# writes after the restore
curl -sf "${H[@]}" -XPOST $A/case/$UUID/messages -H 'Content-Type: application/json' -d '{"from":"some@example.org","message":"after the restore"}' | head -c 200; echo
curl -sf "${H[@]}" -XPOST $A/cases -H 'Content-Type: application/json' -d '{"creator":{"name":"New","email":"new@example.org"},"subject":"After","message":"x"}' | head -c 200; echo
grep -c ERROR bench/target/caseyd.log || true
stop
