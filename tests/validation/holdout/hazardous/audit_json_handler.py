# validation: A payments service logs audit events as JSON lines through a custom logging.Handler, one handler per subsystem logger, stamping every record with a global sequence number kept on the handler class.
# source: written blind from a description (holdout batch, 2026-12-05)
import json
import logging
import threading


class AuditJsonHandler(logging.Handler):
    sequence = 0
    sink = []

    def __init__(self, subsystem):
        super().__init__()
        self.subsystem = subsystem

    def next_sequence(self):
        cls = type(self)
        cls.sequence += 1  # RACE[a]: each handler instance has its own lock, so threads on different handlers lose increments...
        return cls.sequence  # RACE[a]: ...and two records can be stamped with the same sequence number

    def emit(self, record):
        entry = {
            "seq": self.next_sequence(),
            "subsystem": self.subsystem,
            "event": record.getMessage(),
            "level": record.levelname,
        }
        type(self).sink.append(json.dumps(entry))


def make_logger(subsystem):
    logger = logging.getLogger(f"audit.{subsystem}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(AuditJsonHandler(subsystem))
    return logger


def process_payments(subsystem, count):
    log = logging.getLogger(f"audit.{subsystem}")
    for n in range(count):
        log.info("payment %s-%d captured", subsystem, n)


def main():
    subsystems = ["cards", "sepa", "wallets", "refunds"]
    for name in subsystems:
        make_logger(name)
    threads = [
        threading.Thread(target=process_payments, args=(name, 300), name=f"worker-{name}")
        for name in subsystems
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = [json.loads(line)["seq"] for line in AuditJsonHandler.sink]
    print(f"{len(seqs)} audit records, {len(set(seqs))} distinct sequence numbers")
    print("last sequence:", AuditJsonHandler.sequence)


if __name__ == "__main__":
    main()
