import MLCostCore
import Testing
@testable import MLCostAttribution

struct IdleDetectorTests {
  func resource(_ id: String, cost: String, gpu: String? = "A10G", type: String? = "Endpoint") -> BilledResource {
    var r = BilledResource(resourceId: id, currency: "USD", cost: try! ExactDecimal.parse(cost), daysBilled: 14)
    r.gpuModel = gpu; r.resourceType = type
    return r
  }
  func series(_ resource: String, _ metric: String, samples: Int = 336, total: Double, max: Double) -> SeriesWindow {
    SeriesWindow(resource: resource, metric: metric, dimensions: "{\"EndpointName\":\"\(resource)\"}", days: 14, samples: samples, total: total, maximum: max)
  }

  @Test func eachKindFiresOnItsEvidenceAndBusyEndpointsAreLeftAlone() {
    let resources = [
      resource("arn:aws:sagemaker:r:1:endpoint/busy", cost: "700.00"),
      resource("arn:aws:sagemaker:r:1:endpoint/idle", cost: "420.00"),
      resource("arn:aws:sagemaker:r:1:endpoint/quiet", cost: "280.00"),
      resource("arn:aws:sagemaker:r:1:notebook-instance/nb", cost: "70.00", gpu: nil, type: "Notebook"),
      resource("vm-without-metrics", cost: "140.00", type: "Virtual machine"),
      resource("arn:aws:sagemaker:r:1:endpoint/cheap", cost: "0.50"),
      resource("bucket", cost: "900.00", gpu: nil, type: "Bucket"),
    ]
    let series: [String: [SeriesWindow]] = [
      "busy": [series("busy", "Invocations", total: 90_000, max: 400), series("busy", "GPUUtilization", total: 15_000, max: 80)],
      "idle": [series("idle", "Invocations", total: 0, max: 0), series("idle", "GPUUtilization", total: 100, max: 0.9)],
      "quiet": [series("quiet", "Invocations", total: 12, max: 3), series("quiet", "GPUUtilization", total: 600, max: 6.5)],
      "nb": [series("nb", "CPUUtilization", total: 20, max: 0.4)],
      "cheap": [series("cheap", "Invocations", total: 0, max: 0)],
    ]
    let findings = IdleDetector.run(resources: resources, series: series, rules: IdleRules())
    #expect(findings.map(\.kind) == [.idle, .orphaned, .underUsed, .unknown])
    #expect(findings.map { $0.resourceId.split(separator: "/").last! } == ["idle", "nb", "quiet", "vm-without-metrics"])
    // 420.00 over 14 billed days → 30.00 a day × 365/12 days (the average calendar month, 730 h): 912.50; the
    // under-used one (280.00 → 608.333333333333) saves half, 304.166666666666 (half-even at the pico).
    #expect(findings[0].monthlyWaste == "912.50")
    #expect(findings[2].monthlyWaste == "304.166666666666")
    #expect(findings[3].monthlyWaste == nil)
    #expect(findings[0].evidence["invocations"] == "0")
  }

  @Test func underUsedNamesTheNextSizeDown() {
    var r = resource("arn:aws:sagemaker:r:1:endpoint/q", cost: "280.00")
    r.instanceType = "ml.g5.2xlarge"
    let f = IdleDetector.run(resources: [r], series: ["q": [series("q", "Invocations", total: 3, max: 1), series("q", "GPUUtilization", total: 9, max: 4)]],
                             rules: IdleRules())
    #expect(f.first?.action.hasPrefix("downsize to ml.g5.xlarge") == true)
    #expect(IdleDetector.smaller("p4d.24xlarge") == "p4d.16xlarge" && IdleDetector.smaller("g6.large") == nil)
  }

  /// The name match is a byte search over lowercased UTF-8: case and non-ASCII letters fold the same on both
  /// sides, a name at the very end still matches, and a name longer than the disk's never does.
  @Test func stoppedInstanceNamesMatchAnywhereIgnoringCase() {
    func bytes(_ s: String) -> [UInt8] { Array(s.lowercased().utf8) }
    #expect(IdleDetector.contains(bytes("disks/Zoë-Trainer_OsDisk"), bytes("ZOË-TRAINER")))
    #expect(IdleDetector.contains(bytes("osdisk-of-gpu-box-12"), bytes("gpu-box-12")))
    #expect(!IdleDetector.contains(bytes("gpu-box-1"), bytes("gpu-box-12")))
    #expect(!IdleDetector.contains(bytes("gpu-box-1x2"), bytes("gpu-box-12")))
    var disk = resource("disk-1", cost: "14.00", gpu: nil, type: "Disk")
    disk.resourceName = "Backup of RENÉE-VM-07"
    var vm = resource("vm-x", cost: "900.00", type: "Virtual machine")
    vm.resourceName = "renée-vm-07"
    #expect(IdleDetector.run(resources: [disk], series: [:], rules: IdleRules(), stopped: [vm]).first?.evidence["matched on"] == "renée-vm-07")
  }

  @Test func aDiskOfAStoppedInstanceIsStoppedButBilled() {
    var disk = resource("/subscriptions/s/resourceGroups/ml/providers/Microsoft.Compute/disks/train-vm-07_OsDisk_1_9f2c", cost: "14.00", gpu: nil, type: "Disk")
    disk.serviceCategory = "Storage"
    let vm = resource("/subscriptions/s/resourceGroups/ml/providers/Microsoft.Compute/virtualMachines/train-vm-07", cost: "900.00", type: "Virtual machine")
    let f = IdleDetector.run(resources: [disk], series: [:], rules: IdleRules(), stopped: [vm])
    #expect(f.map(\.kind) == [.stoppedButBilled])
    #expect(f.first?.monthlyWaste == "30.416666666667" && f.first?.evidence["instance"] == vm.resourceId)
    // The same disk with its instance still running is not a finding.
    #expect(IdleDetector.run(resources: [disk], series: [:], rules: IdleRules(), stopped: []).isEmpty)
  }

  @Test func anEndpointWithInvocationsOnOneVariantIsNotIdle() {
    let r = [resource("arn:aws:sagemaker:r:1:endpoint/ab", cost: "100.00")]
    let s = ["ab": [series("ab", "Invocations", total: 0, max: 0), series("ab", "Invocations", total: 5, max: 2)]]
    #expect(IdleDetector.run(resources: r, series: s, rules: IdleRules()).isEmpty)
  }
}
