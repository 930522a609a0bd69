import AzureServiceBus

extension ServiceBusClient: JobMessageSender {}
