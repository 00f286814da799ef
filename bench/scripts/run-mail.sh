#!/usr/bin/env bash
# The mail figures: a fresh database casey_mail, then MailRoundTripBenchmark (GreenMail in the driver's JVM as the
# support mailbox and the outside world; it starts and stops caseyd itself, on port 18080).
# Output: bench/target/mail.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/scripts/pg-cluster.sh reset casey_mail
java -cp 'bench/target/casey-bench.jar:bench/target/lib/*' dev.casey.bench.mail.MailRoundTripBenchmark \
    --jar server/target/caseyd.jar --db jdbc:postgresql://127.0.0.1:55432/casey_mail "$@" | tee bench/target/mail.txt
