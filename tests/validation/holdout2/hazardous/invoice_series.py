# validation: An invoice-numbering library for a billing backend: each NumberSeries hands out consecutive numbers for one prefix, and the class keeps an audit registry and a running total of all numbers issued across series.
# source: written blind from a description
# mode: library
import threading


class NumberSeries:
    """Consecutive invoice numbers such as INV-000042 for one prefix."""

    issued_total = 0
    _issued = {}  # number -> prefix, shared by every series

    def __init__(self, prefix, start=1, width=6):
        self.prefix = prefix
        self.width = width
        self._next = start
        self._lock = threading.Lock()

    def next_number(self):
        n = self._next  # RACE[a]: two callers on the same series read the same next value
        number = f"{self.prefix}-{n:0{self.width}d}"
        self._next = n + 1  # RACE[a]: both write back n + 1, so the same invoice number is issued twice
        with self._lock:
            NumberSeries.issued_total += 1  # RACE[b]: the lock belongs to one series, while other series update the class-level total at the same time
            NumberSeries._issued[number] = self.prefix  # RACE[c]: inserts into the registry while audit_report() iterates it
        return number

    def void(self, number):
        """Cancel an invoice number issued by this series."""
        with self._lock:
            if NumberSeries._issued.pop(number, None) is not None:  # RACE[c]: removes from the registry while audit_report() iterates it
                NumberSeries.issued_total -= 1  # RACE[b]: lost update against other series holding their own locks

    @classmethod
    def audit_report(cls):
        per_prefix = {}
        for number, prefix in cls._issued.items():  # RACE[c]: "dictionary changed size during iteration" while any series issues or voids
            per_prefix[prefix] = per_prefix.get(prefix, 0) + 1
        return {"total": cls.issued_total, "per_prefix": per_prefix}


if __name__ == "__main__":
    invoices = NumberSeries("INV")
    credit_notes = NumberSeries("CN", start=500)
    numbers = [invoices.next_number() for _ in range(3)]
    numbers.append(credit_notes.next_number())
    invoices.void(numbers[1])
    print(numbers)
    print(NumberSeries.audit_report())
