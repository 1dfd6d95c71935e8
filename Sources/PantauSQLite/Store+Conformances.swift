import PantauCore
import PantauStoreKit

extension Store: SessionStore, HistoryStore, SampleStore, TicketStore, OutboxStore {}

extension Store: TrafficStore {}
