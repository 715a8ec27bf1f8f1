# validation: Support-desk intake workers assign sequential ticket numbers; the numbering lock is created by the caller and passed in.
# source: written blind from a description
# safe: the increment-and-read of the counter happens inside the lock that every caller passes in, and the ticket map is written with single dict stores.
import threading
from multiprocessing.pool import ThreadPool


class TicketCounter:
    def __init__(self, start: int = 5000) -> None:
        self.value = start


def next_ticket_number(counter: TicketCounter, lock: threading.Lock) -> int:
    with lock:
        counter.value += 1
        return counter.value


def intake(args: tuple[dict, TicketCounter, threading.Lock, dict]) -> int:
    email, counter, lock, tickets = args
    number = next_ticket_number(counter, lock)
    tickets[number] = {"from": email["from"], "subject": email["subject"].strip()}
    return number


def main() -> None:
    numbering_lock = threading.Lock()
    counter = TicketCounter()
    tickets: dict[int, dict] = {}
    emails = [{"from": f"user{i}@example.com", "subject": f" Printer {i} jammed "} for i in range(2000)]
    with ThreadPool(processes=8) as pool:
        numbers = pool.map(intake, [(e, counter, numbering_lock, tickets) for e in emails], chunksize=10)
    print(f"{len(numbers)} tickets, {len(set(numbers))} distinct numbers, last={counter.value}")


if __name__ == "__main__":
    main()
