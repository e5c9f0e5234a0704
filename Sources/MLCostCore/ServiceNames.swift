/// One name per provider service across sources: a legacy CUR without `product/ProductName` names services by
/// product code (`AmazonEC2`) where FOCUS and CUR 2.0 write the product name (`Amazon Elastic Compute Cloud`), so
/// one service showed as two rows. Reports group by the canonical name; the store keeps the source's spelling
/// for drill-down.
public enum ServiceNames {
  /// AWS product codes → the product names AWS writes in `product/ProductName` and FOCUS `ServiceName`.
  public static let aws: [String: String] = [
    "AmazonEC2": "Amazon Elastic Compute Cloud", "AmazonSageMaker": "Amazon SageMaker", "AmazonBedrock": "Amazon Bedrock",
    "AmazonS3": "Amazon Simple Storage Service", "AWSDataTransfer": "AWS Data Transfer", "AmazonEFS": "Amazon Elastic File System",
    "AmazonFSx": "Amazon FSx", "AmazonECS": "Amazon Elastic Container Service", "AWSLambda": "AWS Lambda",
    "AmazonRDS": "Amazon Relational Database Service", "AmazonDynamoDB": "Amazon DynamoDB", "AmazonVPC": "Amazon Virtual Private Cloud",
    "AmazonCloudFront": "Amazon CloudFront", "AWSELB": "Elastic Load Balancing", "AmazonRoute53": "Amazon Route 53",
    "AmazonElastiCache": "Amazon ElastiCache", "AmazonRedshift": "Amazon Redshift", "AmazonOpenSearchService": "Amazon OpenSearch Service",
    "AmazonKinesis": "Amazon Kinesis", "AWSGlue": "AWS Glue", "AmazonAthena": "Amazon Athena", "AmazonSNS": "Amazon Simple Notification Service",
    "AmazonSQS": "Amazon Simple Queue Service", "AWSBackup": "AWS Backup", "AmazonGuardDuty": "Amazon GuardDuty",
  ]

  /// The name reports group by: an AWS product code becomes its product name; anything else is kept as written.
  public static func canonical(provider: String?, service: String?) -> String? {
    guard let service else { return nil }
    let p = provider?.lowercased() ?? ""
    if p == "aws" || p.hasPrefix("amazon") || p.isEmpty, let name = aws[service] { return name }
    return service
  }
}
