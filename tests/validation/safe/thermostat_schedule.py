# validation: A smart-thermostat simulator that evaluates heating schedules for many rooms on a thread pool and merges the results in the main thread.
# source: written blind from a description
# safe: every worker uses only its own arguments and local variables (clock, block, unlock_time are plain values, not locks); results come back through futures and are merged by the main thread.
import concurrent.futures as cf
from dataclasses import dataclass


@dataclass(frozen=True)
class Room:
    name: str
    target_c: float
    start_c: float


def simulate_room(room: Room, minutes: int = 240) -> dict:
    clock = 0  # simulated minutes since 06:00
    temperature = room.start_c
    block = []  # minutes of the current heating block
    heating_blocks = []
    unlock_time = 30  # the boiler may not restart before this minute
    while clock < minutes:
        heating = temperature < room.target_c and clock >= unlock_time
        if heating:
            temperature += 0.15
            block.append(clock)
        else:
            temperature -= 0.05
            if block:
                heating_blocks.append((block[0], block[-1]))
                unlock_time = clock + 10
                block = []
        clock += 1
    if block:
        heating_blocks.append((block[0], block[-1]))
    return {"room": room.name, "final_c": round(temperature, 2), "blocks": len(heating_blocks)}


def main() -> None:
    rooms = [Room(f"room-{i}", 19 + i % 4, 15 + i % 3) for i in range(16)]
    summary: dict[str, dict] = {}
    with cf.ThreadPoolExecutor(max_workers=4) as pool:
        futures = {pool.submit(simulate_room, room): room.name for room in rooms}
        for future in cf.as_completed(futures):
            result = future.result()
            summary[result["room"]] = result
    hottest = max(summary.values(), key=lambda r: r["final_c"])
    print(f"{len(summary)} rooms simulated; warmest {hottest['room']} at {hottest['final_c']} C")


if __name__ == "__main__":
    main()
