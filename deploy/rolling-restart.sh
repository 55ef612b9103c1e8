#!/bin/sh
# Поочерёдный перезапуск экземпляров cmn-web@ПОРТ на ЭТОМ сервере: следующий — только когда
# предыдущий снова отвечает на /healthz. Запускать на серверах приложения по очереди,
# после cmn-migrate.service (docs/deploy.md, «Обновление»).
#   sudo /srv/cmn/current/deploy/rolling-restart.sh            # все включённые экземпляры
#   sudo /srv/cmn/current/deploy/rolling-restart.sh 8001 8002  # только эти порты
set -eu

BIND_HOST=$(sed -n 's/^CMN_BIND_HOST=//p' /etc/cmn/env 2>/dev/null | tail -n 1)
BIND_HOST=${BIND_HOST:-127.0.0.1}
ALLOWED=$(sed -n 's/^ALLOWED_HOSTS=//p' /etc/cmn/env 2>/dev/null | tail -n 1 | cut -d, -f1)
TIMEOUT=${TIMEOUT:-90}

if [ "$#" -eq 0 ]; then
    set -- $(systemctl list-units --plain --no-legend --state=active 'cmn-web@*.service' \
        | sed -n 's/^cmn-web@\([0-9]*\)\.service.*/\1/p')
fi
[ "$#" -gt 0 ] || { echo "Нет запущенных экземпляров cmn-web@" >&2; exit 1; }

for port in "$@"; do
    echo "cmn-web@$port: перезапуск…"
    systemctl restart "cmn-web@$port.service"
    waited=0
    until curl -fsS -o /dev/null -H "Host: ${ALLOWED:-localhost}" "http://$BIND_HOST:$port/healthz"; do
        waited=$((waited + 1))
        if [ "$waited" -ge "$TIMEOUT" ]; then
            echo "cmn-web@$port не ответил на /healthz за $TIMEOUT с: остановка." >&2
            journalctl -u "cmn-web@$port" -n 30 --no-pager -o cat >&2 || true
            exit 1
        fi
        sleep 1
    done
    echo "cmn-web@$port: работает."
done
